import pytest
from hypothesis import HealthCheck, settings

# Property tests measure behaviour, not speed: on a machine busy with both test workers
# an example can take longer than hypothesis' 200 ms deadline, or generating inputs
# can look slow, which says nothing about the code under test.
settings.register_profile("safeshare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("safeshare")


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    settings.SAFESHARE_VAR_DIR = tmp_path


@pytest.fixture(autouse=True, scope="session")
def _ledger_flushable():
    """The ledger is append-only; transactional tests end with a flush that must empty it."""
    from safeshare.ledger.testing import flush_clears_ledger

    with flush_clears_ledger():
        yield


@pytest.fixture
def signing_key_file(settings, tmp_path):
    """A fresh Ed25519 key for this test only; nothing is committed to the repository."""
    from safeshare.ledger.testing import write_signing_key

    path = tmp_path / "ledger-signing.pem"
    write_signing_key(path)
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = str(path)
    return path
