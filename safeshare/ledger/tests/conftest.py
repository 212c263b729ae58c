import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def write_signing_key(path) -> None:
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def signing_key_file(settings, tmp_path):
    """A fresh Ed25519 key for this test only; nothing is committed to the repository."""
    path = tmp_path / "ledger-signing.pem"
    write_signing_key(path)
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = str(path)
    return path
