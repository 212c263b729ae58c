import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeshare.api.management.commands import api_schema


def test_committed_openapi_document_matches_the_api():
    """The exported OpenAPI file is committed; this fails when it drifts."""
    assert api_schema.SCHEMA_PATH.read_text() == api_schema.schema_text(), (
        "docs/openapi.json is stale: run `safeshare api schema` and commit it"
    )


def test_check_mode_fails_on_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(api_schema, "SCHEMA_PATH", stale)
    with pytest.raises(CommandError):
        call_command("api_schema", check=True)
    call_command("api_schema")
    call_command("api_schema", check=True)
