"""Sign-in screens in the admin: unlock a locked-out user, remove a lost authenticator.

django-otp's own device admin shows each secret; here administrators see only
that a device exists and can remove it (the member sets up a new one at their
next sign-in). Axes' attempt records let an administrator lift a lockout.
The task queue's rows (django-tasks-db) are the worker's, not an administrator's
to change, so its admin is not offered.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from safeshare.agencies import services
from safeshare.ui.admin_site import AdministratorModelAdmin, is_administrator

for model in (TOTPDevice, AccessAttempt, AccessLog, AccessFailureLog, Group, DBTaskResult):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(AdministratorModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return is_administrator(request)

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        services.totp_device_remove(actor=request.user, device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # An administrator's own device is never theirs to remove.
        for device in queryset.exclude(user=request.user).select_related("user"):
            services.totp_device_remove(actor=request.user, device=device)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AdministratorModelAdmin, AxesAccessAttemptAdmin):
    """Failed sign-ins still counting towards a lockout; delete one to lift it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)
