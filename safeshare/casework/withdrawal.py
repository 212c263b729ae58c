"""Withdrawing consent and telling the agencies that received information under it
(issue #5 item 4; Protocol App. 2 Q4).

One flow, top-down: consent records the withdrawal, then exchange tells each agency
that received information relying on the consent, in the same transaction, so a
withdrawal is never recorded without its recipients being told.
"""

import datetime

from django.db import transaction

from safeshare.agencies.models import User
from safeshare.consent.models import Consent, ConsentWithdrawal
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.exchange.services import tell_recipients_of_withdrawal


@transaction.atomic
def consent_withdraw_and_tell(
    *,
    actor: User,
    consent: Consent,
    withdrawn_at: datetime.datetime,
    method: str,
    reasons: str = "",
) -> ConsentWithdrawal:
    """Record that consent was withdrawn, then tell each agency that received information
    under it (no personal data in the email; the ledger records which shares and agencies
    were told). From then no new share may rely on the consent (App. 2 Q4)."""
    withdrawal = consent_withdraw(
        actor=actor, consent=consent, withdrawn_at=withdrawn_at, method=method, reasons=reasons
    )
    tell_recipients_of_withdrawal(actor=actor, withdrawal=withdrawal)
    return withdrawal
