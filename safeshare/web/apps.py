from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "safeshare.web"
    label = "web"


class SafeshareAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site only administrators with a verified session may use."""

    default = False
    default_site = "safeshare.web.admin_site.SafeshareAdminSite"
