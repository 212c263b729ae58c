"""The one list of ledger entry kinds.

Kinds are dotted ``<noun>.<past-tense verb>`` strings (STYLE §3). Add new kinds
here; the model field carries no ``choices`` so adding one needs no migration,
and ``ledger_append`` refuses any kind that is not listed.
"""

from django.db import models


class EntryKind(models.TextChoices):
    PERSON_CREATED = "person.created", "Person created"
    PERSON_UPDATED = "person.updated", "Person updated"
    PERSON_SHREDDED = "person.shredded", "Person's data key destroyed"
    RELATIONSHIP_RECORDED = "relationship.recorded", "Relationship recorded"
    RELATIONSHIP_ENDED = "relationship.ended", "Relationship ended"
    INVOLVEMENT_STARTED = "involvement.started", "Agency involvement started"
    INVOLVEMENT_ENDED = "involvement.ended", "Agency involvement ended"
    MEMBERSHIP_CHANGED = "membership.changed", "Membership changed"
    ROLE_GRANTED = "role.granted", "Role granted"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    AGENCY_CREATED = "agency.created", "Agency created"
    AGENCY_UPDATED = "agency.updated", "Agency updated"
    USER_CREATED = "user.created", "Staff account created"
    USER_UPDATED = "user.updated", "Staff account updated"
    USER_SIGNED_IN = "user.signed_in", "User signed in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed", "Sign-in failed"
    USER_LOCKED_OUT = "user.locked_out", "User locked out"
    USER_TWO_FACTOR_ENROLLED = "user.two_factor_enrolled", "Authenticator app set up"
    USER_TWO_FACTOR_RESET = "user.two_factor_reset", "Authenticator app removed"
    # Personal API tokens (issue #11 item 5); entries name the token's id, never the token.
    TOKEN_ISSUED = "token.issued", "API token issued"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    TOKEN_ROTATED = "token.rotated", "API token rotated"
    LEDGER_CHECKPOINT = "ledger.checkpoint", "Ledger checkpoint signed"
    IDEMPOTENCY_KEYS_PURGED = (
        "idempotency_keys.purged",
        "Expired idempotency keys and their kept results deleted",
    )
    # A 403 or 404 from access on a case record or a privileged action (issue #11 item 2).
    ACCESS_REFUSED = "access.refused", "Access refused"
    # Exchange: requests, shares, referrals, onward disclosure (issue #4 items 4-6, 10).
    REQUEST_RAISED = "request.raised", "Information request raised"
    REQUEST_ANSWERED = "request.answered", "Information request answered"
    REQUEST_WITHDRAWN = "request.withdrawn", "Information request withdrawn"
    SHARE_SENT = "share.sent", "Share sent"
    SHARE_VIEWED = "share.viewed", "Share viewed by a recipient"
    SHARE_ACKNOWLEDGED = "share.acknowledged", "Share receipt acknowledged"
    SHARE_REVOKED = "share.revoked", "Share revoked"
    REFERRAL_MADE = "referral.made", "Referral made to the front door"
    ONWARD_REQUESTED = "onward.requested", "Onward disclosure requested"
    ONWARD_ANSWERED = "onward.answered", "Onward disclosure answered"
    # Decisions: the decision aid, decision records, reviews, advice, packs (issue #4 items 1-3, 7).
    DECISION_RECORDED = "decision.recorded", "Decision recorded"
    DECISION_SUPERSEDED = "decision.superseded", "Decision superseded by a correction"
    DECISION_REVIEWED = "decision.reviewed", "Decision reviewed by a safeguarding lead"
    ADVICE_REQUESTED = "advice.requested", "Advice requested"
    ADVICE_GIVEN = "advice.given", "Advice given"
    PACK_CHOSEN = "pack.chosen", "Protocol pack chosen"
    # Informing the subject and email notifications (issue #4 items 8, 9).
    SUBJECT_INFORMED = "subject.informed", "Child or family informed of a share"
    SUBJECT_NOT_INFORMED = "subject.not_informed", "Child or family not informed of a share"
    NOTIFICATION_SENT = "notification.sent", "Email notification queued"
    NOTIFICATION_FAILED = "notification.failed", "Email notification failed"
    # Consent (issue #5).
    CONSENT_RECORDED = "consent.recorded", "Consent or refusal recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn", "Consent withdrawn"
    CONSENT_WITHDRAWAL_NOTIFIED = (
        "consent.withdrawal_notified",
        "Recipients told that the consent behind a share was withdrawn",
    )
    CONSENT_CONFLICT_DETECTED = "consent_conflict.detected", "Disagreement about consent found"
    CONSENT_CONFLICT_GUIDED = "consent_conflict.guided", "Guidance given on a disagreement"
    CONSENT_CONTINUED_USE_DECIDED = (
        "consent.continued_use_decided",
        "Recipient decided on continued use after withdrawal",
    )
    CAPACITY_ASSESSED = "capacity.assessed", "Capacity to consent assessed"
    NOTICE_RECORDED = "notice.recorded", "Notice at first contact recorded"
