"""The ledger in the admin: read-only. Nobody adds, changes or deletes entries here.

Whoever may use the admin site may read the ledger (entries carry pseudonymous
references, no case content); the site itself decides who that is.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Checkpoint, Entry


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False  # COUNT(*) over millions of rows on every page

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "recorded_at",
        "kind",
        "actor_ref",
        "agency_ref",
        "subject_ref",
        "short_hash",
    ]
    list_filter = ["kind"]
    search_fields = ["=subject_ref", "=actor_ref", "=agency_ref", "=hash"]
    ordering = ["-seq"]
    fields = readonly_fields = (
        "seq",
        "recorded_at",
        "kind",
        "actor_ref",
        "agency_ref",
        "subject_ref",
        "payload",
        "canonical_text",
        "prev_hash",
        "hash",
    )

    @admin.display(description="hash")
    def short_hash(self, entry: Entry) -> str:
        return entry.hash[:16]

    @admin.display(description="canonical record (hashed bytes)")
    def canonical_text(self, entry: Entry) -> str:
        return bytes(entry.canonical).decode("utf-8", errors="replace")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "head_hash", "public_key_id", "actor_ref"]
    ordering = ["-seq", "-id"]
    fields = readonly_fields = (
        "seq",
        "head_hash",
        "created_at",
        "actor_ref",
        "signature",
        "public_key_id",
        "public_key",
    )
