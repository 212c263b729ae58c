import pytest


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    settings.SAFESHARE_VAR_DIR = tmp_path
