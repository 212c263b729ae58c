"""``safeshare api purge``: delete idempotency keys past their 24 hours (run it daily)."""

from django.core.management.base import BaseCommand

from safeshare.api.idempotency import idempotency_keys_purge
from safeshare.ledger.services import system_actor_ref


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records and the results kept for them."

    def handle(self, *args, **options) -> None:
        count = idempotency_keys_purge(actor_ref=system_actor_ref("api_purge"))
        self.stdout.write(f"expired idempotency keys deleted: {count}")
