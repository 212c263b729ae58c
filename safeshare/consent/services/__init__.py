"""The only code that writes consent records (STYLE §2): consents and refusals, capacity,
withdrawals, conflicts and notices; each in its module, named here once."""

from .capacity import capacity_assess
from .conflicts import conflict_guide
from .consents import consent_record
from .notices import notice_record
from .scope import Scope
from .withdrawals import consent_withdraw

__all__ = [
    "Scope",
    "capacity_assess",
    "conflict_guide",
    "consent_record",
    "consent_withdraw",
    "notice_record",
]
