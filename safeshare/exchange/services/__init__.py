"""The only code that writes exchange records (STYLE §2): requests, shares, referrals."""

from .continued_use import continued_use_record, tell_recipients_of_withdrawal
from .onward import onward_answer, onward_request
from .recipients import share_acknowledge, share_view_record
from .referrals import front_doors, referral_make
from .requests import (
    request_accept,
    request_answer,
    request_lock_open,
    request_raise,
    request_withdraw,
)
from .share_drafts import ItemDraft, RecipientDraft, share_item_check
from .shares import share_revoke, share_send

__all__ = [
    "ItemDraft",
    "RecipientDraft",
    "continued_use_record",
    "front_doors",
    "onward_answer",
    "onward_request",
    "referral_make",
    "request_accept",
    "request_answer",
    "request_lock_open",
    "request_raise",
    "request_withdraw",
    "share_acknowledge",
    "share_item_check",
    "share_revoke",
    "share_send",
    "share_view_record",
    "tell_recipients_of_withdrawal",
]
