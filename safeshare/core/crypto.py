"""Envelope encryption and keyed blind indexes for personal data at rest.

Each person has a random data key (DEK). Their identity fields are encrypted
with it (AES-256-GCM, a fresh 96-bit nonce per value, associated data binding
the person and the field), and the DEK is stored only wrapped by the
key-encryption key (KEK) from configuration. Destroying the wrapped DEK makes
every field encrypted under it unreadable: crypto-shredding (DESIGN:
Encryption; UK GDPR Art 5(1)(e) storage limitation, Art 17 erasure).

Exact-match search works through blind indexes: HMAC-SHA256 of a normalised
value, under a key derived from the KEK by HKDF with a label per purpose, so
no index key is ever an encryption key and indexes of different purposes
cannot be compared with each other. See docs/adr/0002.

Formats (the first byte is a version, so keys and algorithms can change later):

* wrapped DEK: ``KEK version (1) | nonce (12) | AES-GCM(KEK, DEK) (32 + 16 tag)``
* field blob:  ``format version (1) | nonce (12) | AES-GCM(DEK, UTF-8 text) + tag``
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

# The version of the KEK that wraps new data keys. Rotation adds a version
# and re-wraps every live DEK under it (docs/adr/0002).
KEK_VERSION = 1
FIELD_FORMAT_VERSION = 1

# Domain separation: a wrapped key can never be presented as a field and back.
_WRAP_AAD_PREFIX = b"safeshare.dek.v1\x00"
_FIELD_AAD_PREFIX = b"safeshare.field.v1\x00"
_INDEX_SALT = b"safeshare.blind-index"
_INDEX_INFO_PREFIX = b"safeshare blind index v1: "
_PURPOSE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

NHS_NUMBER_MESSAGE = "Enter a valid NHS number: 10 digits with a correct check digit"


class DecryptionError(Exception):
    """A blob failed authentication: wrong key, wrong person or field, or altered bytes."""


# --- the key-encryption key ------------------------------------------------------------


@dataclass(frozen=True)
class _KekSource:
    value: str
    path: str
    mtime_ns: int


def _kek_source() -> _KekSource:
    value = (getattr(settings, "SAFESHARE_KEK", "") or "").strip()
    path = (getattr(settings, "SAFESHARE_KEK_FILE", "") or "").strip()
    if value:
        # The variable wins over the file, so a test or one-off run can override a
        # deployment's file without editing it.
        return _KekSource(value=value, path="", mtime_ns=0)
    if not path:
        raise ImproperlyConfigured(
            "No key-encryption key: set SAFESHARE_KEK to the base64 encoding of 32 random "
            "bytes, or SAFESHARE_KEK_FILE to the path of a file holding it "
            "(`safeshare keys generate` writes one)."
        )
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError as error:
        raise ImproperlyConfigured(
            f"SAFESHARE_KEK_FILE names {path}, which cannot be read: {error.strerror}."
        ) from error
    return _KekSource(value="", path=path, mtime_ns=mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_kek(source: _KekSource) -> bytes:
    if source.path:
        name = "SAFESHARE_KEK_FILE"
        try:
            encoded = Path(source.path).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"SAFESHARE_KEK_FILE names {source.path}, which cannot be read as base64 text."
            ) from error
    else:
        name, encoded = "SAFESHARE_KEK", source.value
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(
            f"{name} must be base64 (the encoding of 32 random bytes); it could not be decoded."
        ) from error
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name} must decode to exactly {KEY_BYTES} bytes for AES-256; it decodes to "
            f"{len(key)}."
        )
    return key


def kek() -> bytes:
    """The current key-encryption key; ImproperlyConfigured names the setting at fault."""
    return _load_kek(_kek_source())


def check_kek() -> None:
    """Raise ImproperlyConfigured now if the KEK is missing or malformed (for start-up checks)."""
    kek()


# --- envelope encryption ---------------------------------------------------------------


def new_data_key() -> bytes:
    """A fresh random 256-bit data key for one person."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


@functools.lru_cache(maxsize=8)
def _kek_cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def wrap_key(dek: bytes, *, context: bytes) -> bytes:
    """Encrypt a data key under the KEK, bound to ``context`` (the owner's identity)."""
    if len(dek) != KEY_BYTES:
        raise ValueError(f"A data key is {KEY_BYTES} bytes; got {len(dek)}.")
    nonce = os.urandom(NONCE_BYTES)
    sealed = _kek_cipher(kek()).encrypt(nonce, dek, _WRAP_AAD_PREFIX + context)
    return bytes([KEK_VERSION]) + nonce + sealed


def unwrap_key(wrapped: bytes, *, context: bytes) -> bytes:
    """Recover a data key; DecryptionError if the blob or context does not match."""
    wrapped = bytes(wrapped)
    if len(wrapped) != 1 + NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        raise DecryptionError("The wrapped data key has the wrong length.")
    version = wrapped[0]
    if version != KEK_VERSION:
        raise DecryptionError(
            f"The data key is wrapped by key-encryption key version {version}, "
            f"which is not configured (current version {KEK_VERSION})."
        )
    nonce, sealed = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
    try:
        return _kek_cipher(kek()).decrypt(nonce, sealed, _WRAP_AAD_PREFIX + context)
    except InvalidTag as error:
        raise DecryptionError("The wrapped data key failed authentication.") from error


def encrypt_field(dek: bytes, plaintext: str, *, aad: bytes) -> bytes:
    """Encrypt one text value; ``aad`` must name the owner and the field."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(dek).encrypt(nonce, plaintext.encode("utf-8"), _FIELD_AAD_PREFIX + aad)
    return bytes([FIELD_FORMAT_VERSION]) + nonce + sealed


def decrypt_field(dek: bytes, blob: bytes, *, aad: bytes) -> str:
    """Decrypt one text value; DecryptionError if key, owner, field or bytes differ."""
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != FIELD_FORMAT_VERSION:
        raise DecryptionError("The encrypted value is not in a known format.")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        plaintext = AESGCM(dek).decrypt(nonce, sealed, _FIELD_AAD_PREFIX + aad)
    except InvalidTag as error:
        raise DecryptionError("The encrypted value failed authentication.") from error
    return plaintext.decode("utf-8")


# --- blind indexes ---------------------------------------------------------------------


def _hkdf(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_INDEX_SALT, info=info).derive(
        key
    )


@functools.lru_cache(maxsize=32)
def _index_key(key: bytes, purpose: str) -> bytes:
    return _hkdf(key, _INDEX_INFO_PREFIX + purpose.encode("ascii"))


def blind_index(purpose: str, normalised_value: str) -> str:
    """HMAC-SHA256 (hex) of an already normalised value under the purpose's derived key.

    Equal normalised values give equal indexes, so an indexed column answers an
    exact-match search without holding the value. The key is derived per
    purpose, so an NHS-number index cannot be matched against a name index.
    """
    if not _PURPOSE_PATTERN.match(purpose):
        raise ValueError("A blind-index purpose is a short lower-case label, like 'nhs_number'.")
    if not normalised_value:
        raise ValueError("A blind index of an empty value would match every empty value.")
    key = _index_key(kek(), purpose)
    return hmac.new(key, normalised_value.encode("utf-8"), hashlib.sha256).hexdigest()


# --- normalisation ---------------------------------------------------------------------


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no digit is valid.

    NHS Data Dictionary, "NHS Number": weights 10 down to 2, remainder mod 11,
    11 - remainder, where 11 means 0 and 10 means the number is never issued.
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("The check digit is computed from exactly nine digits.")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """The ten digits of an NHS number, or ValidationError with the rule broken.

    Spaces and hyphens are dropped (people write "943 476 5919" or
    "943-476-5919"). A number of one repeated digit passes the check-digit sum
    but is a placeholder some systems use for "unknown", so it is refused: it
    would otherwise mark unrelated people as one.
    """
    digits = re.sub(r"[\s\-]", "", str(value))
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValidationError(NHS_NUMBER_MESSAGE, code="nhs_number_format")
    if nhs_number_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(NHS_NUMBER_MESSAGE, code="nhs_number_check_digit")
    if len(set(digits)) == 1:
        raise ValidationError(NHS_NUMBER_MESSAGE, code="nhs_number_placeholder")
    return digits


def validate_nhs_number(value: str) -> None:
    """Django validator form of :func:`normalise_nhs_number`."""
    normalise_nhs_number(value)


# Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def normalise_name(value: str) -> str:
    """A name reduced to the letters and digits that identify it, for the name index.

    Casefolded, compatibility-normalised (NFKC), accents removed ("Zoë" = "Zoe":
    many agency systems store names without diacritics) and every space,
    hyphen, apostrophe or other punctuation dropped ("Smith-Jones" =
    "Smith Jones" = "SMITHJONES"; "O'Neill" = "O Neill"). Letters of other
    scripts are kept as they are. An empty result means the value holds no
    name at all; callers refuse it.
    """
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_LATIN_FOLDS)
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum())


# --- derived keys ----------------------------------------------------------------------

_DERIVED_INFO_PREFIX = b"safeshare:derived-key:"


@functools.lru_cache(maxsize=8)
def _derived_key(key: bytes, purpose: str) -> bytes:
    return _hkdf(key, _DERIVED_INFO_PREFIX + purpose.encode("ascii"))


def derived_key(purpose: str) -> bytes:
    """A data key derived from the KEK for one purpose (never a blind-index key).

    Used for case text that has no data subject to hold a key of its own, such
    as an anonymised decision's rationale.
    """
    if not _PURPOSE_PATTERN.match(purpose):
        raise ValueError("A derived-key purpose is a short lower-case label, like 'case_text'.")
    return _derived_key(kek(), purpose)
