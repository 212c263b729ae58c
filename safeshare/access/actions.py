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
    # Decisions to share or not, their review, advice before deciding (issue #4 items 2, 3, 7).
    DECISION_VIEW = "decision.view"
    DECISION_RECORD = "decision.record"  # object: access.rules.decisions.DecisionTarget
    DECISION_SUPERSEDE = "decision.supersede"
    DECISION_REVIEW = "decision.review"
    ADVICE_VIEW = "advice.view"
    ADVICE_REQUEST = "advice.request"  # object: access.rules.decisions.AdviceTarget
    ADVICE_GIVE = "advice.give"
    # Informing the child or family after a share (issue #4 item 8): the sending agency only.
    SUBJECT_NOTIFICATION_VIEW = "subject_notification.view"
    SUBJECT_NOTIFICATION_RECORD = "subject_notification.record"  # object: SubjectTarget
    # Consent, capacity, conflicts, withdrawal and the notice at first contact (issue #5).
    CONSENT_VIEW = "consent.view"
    CONSENT_RECORD = "consent.record"  # object: access.rules.consent.ConsentTarget
    CONSENT_WITHDRAW = "consent.withdraw"
    CAPACITY_VIEW = "capacity.view"
    CAPACITY_ASSESS = "capacity.assess"  # object: access.rules.consent.ConsentTarget
    CONSENT_CONFLICT_VIEW = "consent_conflict.view"
    CONSENT_CONFLICT_GUIDE = "consent_conflict.guide"
    CONTINUED_USE_VIEW = "continued_use.view"
    CONTINUED_USE_RECORD = "continued_use.record"  # object: the ShareRecipient row
    NOTICE_VIEW = "notice.view"
    NOTICE_RECORD = "notice.record"  # object: access.rules.consent.NoticeTarget
    # Protocol packs (no case content): everyone reads; the partnership officer chooses.
    PACK_VIEW = "pack.view"
    PACK_CHOOSE = "pack.choose"
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
