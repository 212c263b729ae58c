"""Every action the policy decides, named once."""

from enum import StrEnum


class Action(StrEnum):
    # Case content: a person (data subject) and what is recorded about them.
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"  # object: the agency that will work with the person
    PERSON_EDIT = "person.edit"
    PERSON_SHRED = "person.shred"
    # Shares: the sender's own record of what it passed on, or what a recipient received.
    SHARE_VIEW = "share.view"
    SHARE_SEND = "share.send"  # object: access.rules.exchange.ShareSource (a decision to share)
    SHARE_ACKNOWLEDGE = "share.acknowledge"
    SHARE_REVOKE = "share.revoke"
    # Information requests between agencies, onward disclosure and MASH referrals.
    REQUEST_VIEW = "request.view"
    REQUEST_RAISE = "request.raise"  # object: access.rules.exchange.RequestTarget
    REQUEST_ANSWER = "request.answer"
    REQUEST_WITHDRAW = "request.withdraw"
    ONWARD_VIEW = "onward.view"
    ONWARD_REQUEST = "onward.request"  # object: the share received
    ONWARD_ANSWER = "onward.answer"
    REFERRAL_MAKE = "referral.make"  # object: access.rules.exchange.ReferralTarget
    REFERRAL_VIEW = "referral.view"
    # Evidence: the ledger and its checkpoints (no case content).
    LEDGER_READ = "ledger.read"
    LEDGER_CHECKPOINT = "ledger.checkpoint"
    # Configuration (no case content).
    AGENCY_VIEW = "agency.view"
    AGENCY_CONFIGURE = "agency.configure"
    USER_MANAGE = "user.manage"


class Relation(StrEnum):
    """How the user's agency stands to a case record."""

    OWN_AGENCY = "own_agency"  # the user's agency works with the person
    RECIPIENT = "recipient"  # another agency shared about the person with the user's agency
    OTHER_AGENCY = "other_agency"  # only other agencies hold the record
    NONE = "none"  # the user has no active membership
