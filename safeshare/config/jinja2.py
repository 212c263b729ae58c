"""The Jinja2 environment for pages: GOV.UK Frontend macros plus Django helpers."""

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options.setdefault("autoescape", True)
    env = Environment(
        loader=ChoiceLoader(
            [
                loader,
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        **options,
    )
    env.globals.update({"static": static, "url": url})
    return env
