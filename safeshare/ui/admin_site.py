"""The admin site: configuration for administrators only (issue #3 item 2).

Only an active user holding the administrator role, signed in with password
and TOTP code, may use it. Administrators see no case content: only models
registered through `AdministratorModelAdmin` are shown, and no case model is
registered (asserted by a test).
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import resolve, reverse

from safeshare.ui.verified import is_two_factor_verified


def is_administrator(request: HttpRequest) -> bool:
    """Administrator role, read from the database on this request, and a verified session."""
    user = request.user
    return is_two_factor_verified(user) and user.is_administrator


class SafeshareAdminSite(admin.AdminSite):
    site_header = "safeshare administration"
    site_title = "safeshare administration"
    index_title = "Configuration"
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def admin_view(self, view, cacheable=False):
        """Signed in with both factors but not an administrator: 403, not a login form."""
        inner = super().admin_view(view, cacheable)

        def refuse_other_roles(request: HttpRequest, *args, **kwargs):
            if is_two_factor_verified(request.user) and not self.has_permission(request):
                raise PermissionDenied("The admin is for administrators only.")
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_other_roles, inner)

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The admin's "Log out" is the site's sign-out: the session and its API tokens end.

        Reached by its URL name, so the admin site needs nothing of the pages' code.
        """
        return resolve(reverse("web:sign_out")).func(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """There is one way in: the two-step sign-in (never the admin's own form)."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(next_url, reverse("web:sign_in"))


class AdministratorModelAdmin(admin.ModelAdmin):
    """A model administrators manage; the site has already checked the role.

    Django's per-model permissions are not used: the role decides.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
