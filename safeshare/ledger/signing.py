"""Ed25519 keys and the message a checkpoint signs."""

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .canonical import canonical_bytes

CHECKPOINT_CONTEXT = "safeshare ledger checkpoint v1"


def checkpoint_message(*, seq: int, head_hash: str, time: str) -> bytes:
    """The bytes a checkpoint signature covers (canonical JSON, with a context label)."""
    return canonical_bytes(
        {"context": CHECKPOINT_CONTEXT, "head_hash": head_hash, "seq": seq, "time": time}
    )


def signing_key() -> Ed25519PrivateKey:
    """The deployment's checkpoint signing key, from ``SAFESHARE_LEDGER_SIGNING_KEY_FILE``."""
    path = settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE
    if not path:
        raise ImproperlyConfigured(
            "SAFESHARE_LEDGER_SIGNING_KEY_FILE is not set: name the Ed25519 private key "
            "(PEM) that signs ledger checkpoints, e.g. one made by `safeshare keys generate`."
        )
    return _load_private_key(str(path))


@lru_cache(maxsize=4)
def _load_private_key(path: str) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(
            f"cannot read the ledger signing key {path}: {error.strerror}"
        ) from error
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"the ledger signing key {path} is not an Ed25519 key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key_id(key: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key: a stable fingerprint."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(message: bytes) -> tuple[str, Ed25519PublicKey]:
    key = signing_key()
    return base64.b64encode(key.sign(message)).decode("ascii"), key.public_key()


def signature_valid(public_key: Ed25519PublicKey, signature_b64: str, message: bytes) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
