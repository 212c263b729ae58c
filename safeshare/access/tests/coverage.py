"""Gather what each app's matrix tests say they cover."""

import importlib
import pkgutil

import safeshare


def covered(module_name: str, attribute: str) -> set[str]:
    """Union of `attribute` over every `safeshare.<app>.tests.<module_name>` that exists."""
    names: set[str] = set()
    for module in pkgutil.iter_modules(safeshare.__path__):
        try:
            found = importlib.import_module(f"safeshare.{module.name}.tests.{module_name}")
        except ModuleNotFoundError:
            continue
        names |= set(getattr(found, attribute))
    return names
