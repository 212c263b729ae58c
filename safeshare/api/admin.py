"""Personal API tokens in the admin: administrators see and revoke anyone's (issue #11 item 5).

Tokens are no case content. The page never shows a token or its digest; an
administrator cannot add, edit or delete one, only revoke it, through the
service that appends the `token.revoked` entry.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from safeshare.api import services
from safeshare.api.models import ApiToken
from safeshare.ui.admin_site import AdministratorModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorModelAdmin):
    list_display = ["label", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "label", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            try:
                services.token_revoke(actor=request.user, token=token)
            except ValidationError:
                continue  # expired meanwhile
            revoked += 1
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
