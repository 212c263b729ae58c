"""A person's identity in the clear, and the one place it is sealed and opened.

``read_identity(person)`` gives an :class:`Identity`, or :class:`Erased` when the
person's data key was destroyed (crypto-shredding) or a value fails its
integrity check. Callers never see a decryption exception: a page shows
"Erased" and the failure is logged by person reference only.

Sealing (``seal_identity``) only sets attributes on an instance; saving it is
for ``people.services``.
"""

import datetime
import enum
import logging
from dataclasses import dataclass

from safeshare.core import crypto

from .models import Person

logger = logging.getLogger(__name__)

NHS_NUMBER_INDEX = "nhs_number"
NAME_DOB_INDEX = "name_dob"
ENCRYPTED_FIELDS = ("given_name", "family_name", "date_of_birth", "nhs_number")


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in whole years on a date; someone born on 29 February turns a year older
    on 1 March in other years (Family Law Reform Act 1969 s9)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def format_nhs_number(digits: str) -> str:
    """The NHS's 3-3-4 display form: "999 123 4567"."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def format_date(day: datetime.date) -> str:
    """The GOV.UK date form: "3 December 2026"."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Identity:
    given_name: str
    family_name: str
    date_of_birth: datetime.date
    nhs_number: str | None = None
    erased = False
    withheld = frozenset()  # an agency working with the person sees all of it

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        return self.full_name

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else "Not known"

    @property
    def date_of_birth_display(self) -> str:
        return format_date(self.date_of_birth)

    def age_on(self, on: datetime.date) -> int:
        return age_on(self.date_of_birth, on)


class ErasedReason(enum.Enum):
    SHREDDED = "shredded"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Erased:
    """What reading a person gives when their identity cannot be decrypted."""

    reason: ErasedReason = ErasedReason.SHREDDED
    erased = True
    withheld = frozenset()
    given_name = None
    family_name = None
    date_of_birth = None
    nhs_number = None

    @property
    def display_name(self) -> str:
        if self.reason is ErasedReason.SHREDDED:
            return "Erased"
        return "Erased (the record failed its integrity check)"

    full_name = display_name

    @property
    def nhs_number_display(self) -> str:
        return "Erased"

    date_of_birth_display = nhs_number_display

    def age_on(self, on: datetime.date) -> None:
        return None


ERASED = Erased(ErasedReason.SHREDDED)
UNREADABLE = Erased(ErasedReason.UNREADABLE)

NOT_SHARED = "Not shared"


@dataclass(frozen=True)
class SharedIdentity:
    """What a recipient sees of a person: only the identity fields the shares it received
    carry (Protocol App. 2 Q6). A withheld field reads "Not shared", whether or not it is
    known, so a recipient cannot tell a missing NHS number from a withheld one."""

    given_name: str | None
    family_name: str | None
    date_of_birth: datetime.date | None
    nhs_number: str | None
    withheld: frozenset[str]
    erased = False

    @property
    def full_name(self) -> str:
        if self.given_name is None or self.family_name is None:
            return "Name not shared"
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        return self.full_name

    @property
    def nhs_number_display(self) -> str:
        if "nhs_number" in self.withheld:
            return NOT_SHARED
        return format_nhs_number(self.nhs_number) if self.nhs_number else "Not known"

    @property
    def date_of_birth_display(self) -> str:
        return format_date(self.date_of_birth) if self.date_of_birth else NOT_SHARED

    def age_on(self, on: datetime.date) -> int | None:
        return age_on(self.date_of_birth, on) if self.date_of_birth else None


PersonIdentity = Identity | Erased | SharedIdentity

ALL_FIELDS = frozenset({"name", "date_of_birth", "nhs_number"})


def withhold(identity: PersonIdentity, shown: frozenset[str]) -> PersonIdentity:
    """The identity with every field outside ``shown`` (IdentityField values) withheld.

    An erased identity stays erased; showing every field gives the identity unchanged.
    """
    if identity.erased or ALL_FIELDS <= shown:
        return identity
    assert isinstance(identity, Identity)
    return SharedIdentity(
        given_name=identity.given_name if "name" in shown else None,
        family_name=identity.family_name if "name" in shown else None,
        date_of_birth=identity.date_of_birth if "date_of_birth" in shown else None,
        nhs_number=identity.nhs_number if "nhs_number" in shown else None,
        withheld=ALL_FIELDS - shown,
    )


def key_context(person_id) -> bytes:
    """What the wrapped data key is bound to: this person and no other."""
    return f"safeshare:person:{person_id}".encode()


def field_aad(person_id, field: str) -> bytes:
    """Associated data for one field: a ciphertext moved to another person or field fails."""
    return f"safeshare:person:{person_id}:{field}".encode()


def nhs_number_index(normalised_nhs_number: str) -> str:
    return crypto.blind_index(NHS_NUMBER_INDEX, normalised_nhs_number)


def name_dob_index(given_name: str, family_name: str, date_of_birth: datetime.date) -> str | None:
    """The name + date-of-birth index, or None when a name has no letters to match on."""
    given, family = crypto.normalise_name(given_name), crypto.normalise_name(family_name)
    if not given or not family:
        return None
    # Normalised names hold letters and digits only, so "|" cannot be forged by a name.
    return crypto.blind_index(NAME_DOB_INDEX, f"{given}|{family}|{date_of_birth.isoformat()}")


def _fingerprint(person: Person) -> tuple:
    return tuple(
        None if value is None else bytes(value)
        for value in (
            person.wrapped_key,
            person.given_name_enc,
            person.family_name_enc,
            person.date_of_birth_enc,
            person.nhs_number_enc,
        )
    )


def data_key(person: Person) -> bytes:
    """Unwrap the person's data key (crypto.DecryptionError if it is gone or altered)."""
    if person.wrapped_key is None:
        raise crypto.DecryptionError("The person's data key has been destroyed.")
    return crypto.unwrap_key(bytes(person.wrapped_key), context=key_context(person.id))


def read_identity(person: Person) -> PersonIdentity:
    """Decrypt a person's identity once per loaded row (cached on the instance)."""
    if person.is_shredded or person.wrapped_key is None:
        return ERASED
    fingerprint = _fingerprint(person)
    cached = person.__dict__.get("_identity_cache")
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    try:
        dek = data_key(person)

        def open_field(field: str, blob) -> str:
            return crypto.decrypt_field(dek, bytes(blob), aad=field_aad(person.id, field))

        identity: PersonIdentity = Identity(
            given_name=open_field("given_name", person.given_name_enc),
            family_name=open_field("family_name", person.family_name_enc),
            date_of_birth=datetime.date.fromisoformat(
                open_field("date_of_birth", person.date_of_birth_enc)
            ),
            nhs_number=(
                open_field("nhs_number", person.nhs_number_enc)
                if person.nhs_number_enc is not None
                else None
            ),
        )
    except (crypto.DecryptionError, ValueError):
        # An integrity failure is a signal of tampering or a key mix-up; the
        # person reference is pseudonymous, so it may be logged.
        logger.error("Identity of person %s failed its integrity check.", person.id)
        identity = UNREADABLE
    person.__dict__["_identity_cache"] = (fingerprint, identity)
    return identity


def seal_identity(
    person: Person,
    dek: bytes,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    nhs_number: str | None,
) -> None:
    """Encrypt already validated identity values onto ``person`` and set its indexes.

    ``nhs_number`` must be normalised (ten digits) or None.
    """

    def seal(field: str, value: str) -> bytes:
        return crypto.encrypt_field(dek, value, aad=field_aad(person.id, field))

    person.given_name_enc = seal("given_name", given_name)
    person.family_name_enc = seal("family_name", family_name)
    person.date_of_birth_enc = seal("date_of_birth", date_of_birth.isoformat())
    person.nhs_number_enc = seal("nhs_number", nhs_number) if nhs_number else None
    person.nhs_number_index = nhs_number_index(nhs_number) if nhs_number else None
    person.name_dob_index = name_dob_index(given_name, family_name, date_of_birth)
    person.__dict__["_identity_cache"] = (
        _fingerprint(person),
        Identity(given_name, family_name, date_of_birth, nhs_number),
    )
