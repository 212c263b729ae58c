from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class UiConfig(AppConfig):
    """The GOV.UK form kit, field and pagination templates, problem documents and
    the admin site every app uses (STYLE §1). Imports nothing of safeshare but core."""

    default = True
    name = "safeshare.ui"
    label = "ui"
    verbose_name = "User interface kit"


class SafeshareAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site only administrators with a verified session may use."""

    default = False
    default_site = "safeshare.ui.admin_site.SafeshareAdminSite"
