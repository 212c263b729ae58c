"""Which roles may do what, by relation (DESIGN: users and roles; separation of duties)."""

from safeshare.access.actions import Action, Relation
from safeshare.agencies.models import Role

# Roles that work with case content at all. Partnership officers, auditors and
# administrators see no case content (DESIGN roles table; issue #3 item 6).
CASE_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.SAFEGUARDING_LEAD,
        Role.LEAD_INFORMATION_OFFICER,
        Role.DATA_PROTECTION_OFFICER,
    }
)

# Actions on a person, by the user's relation to the person's record.
PERSON_RULES: dict[Relation, dict[Action, frozenset[str]]] = {
    Relation.OWN_AGENCY: {
        # Everyone with a case role may read their own agency's records: DPOs for
        # rights requests, lead information officers for agency-level decisions.
        Action.PERSON_VIEW: CASE_ROLES,
        # Practitioners and leads keep the record up to date (Protocol 5.2 Accurate).
        Action.PERSON_EDIT: frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD}),
        # Erasure by crypto-shredding follows a rights request or the retention
        # schedule: the data protection officer decides (UK GDPR Art 17).
        Action.PERSON_SHRED: frozenset({Role.DATA_PROTECTION_OFFICER}),
    },
    Relation.RECIPIENT: {
        # A recipient sees who the shared information is about, nothing more.
        Action.PERSON_VIEW: CASE_ROLES,
    },
    Relation.OTHER_AGENCY: {},
    Relation.NONE: {},
}

# Creating a person record on behalf of one's own agency.
PERSON_CREATE_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD})

# Actions that are not about one case record.
GLOBAL_RULES: dict[Action, frozenset[str]] = {
    Action.LEDGER_READ: frozenset({Role.AUDITOR}),
    Action.LEDGER_CHECKPOINT: frozenset({Role.AUDITOR}),
    Action.AGENCY_VIEW: frozenset(Role.values),
    Action.AGENCY_CONFIGURE: frozenset({Role.ADMINISTRATOR}),
    Action.USER_MANAGE: frozenset({Role.ADMINISTRATOR}),
    # Protocol packs hold no case content: everyone reads; the partnership officer chooses.
    Action.PACK_VIEW: frozenset(Role.values),
    Action.PACK_CHOOSE: frozenset({Role.PARTNERSHIP_OFFICER}),
}
