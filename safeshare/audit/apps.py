from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The auditor's and the partnership's pages and API over the ledger: read,
    filter, verify, checkpoint. The ledger itself imports core only, so every app
    can write to it; what reads it for people (access checks, forms, the API's
    signed-in request) lives here."""

    name = "safeshare.audit"
    label = "audit"
    verbose_name = "Audit"
