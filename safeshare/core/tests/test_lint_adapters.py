"""scripts/lint-adapters: adapters read through selectors and fetchers, never models."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "lint-adapters"

BREAKS_THE_RULE = """\
from django.shortcuts import get_object_or_404

from safeshare.people.models import Person


def person_list(request):
    return Person.objects.all()
"""

KEEPS_THE_RULE = """\
from safeshare.people import selectors


def person_list(request):
    return selectors.people_worked_with(request.user)
"""


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def _write(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)


@pytest.mark.parametrize(
    "relative",
    [
        "people/views.py",
        "consent/views/notices.py",
        "consent/api/shaping.py",
        "audit/api.py",
        "casework/continued_use/views.py",
        "agencies/management/commands/admin_bootstrap.py",
    ],
)
def test_a_view_api_module_or_command_reading_a_model_fails_naming_the_line(
    tmp_path: Path, relative: str
) -> None:
    _write(tmp_path, relative, BREAKS_THE_RULE)

    result = _lint(tmp_path)

    assert result.returncode == 1
    assert f"{tmp_path.name}/{relative}:1: get_object_or_404" in result.stdout
    assert f"{tmp_path.name}/{relative}:7: Person.objects" in result.stdout


def test_an_adapter_reading_through_selectors_passes(tmp_path: Path) -> None:
    _write(tmp_path, "people/views.py", KEEPS_THE_RULE)
    _write(tmp_path, "consent/api/consents.py", KEEPS_THE_RULE)

    result = _lint(tmp_path)

    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize(
    "relative",
    [
        "people/selectors.py",
        "people/services/people.py",
        "people/tests/test_views.py",
        "people/migrations/0001_initial.py",
        "api/auth.py",
    ],
)
def test_selectors_services_tests_and_the_api_apps_layers_may_read_models(
    tmp_path: Path, relative: str
) -> None:
    _write(tmp_path, relative, BREAKS_THE_RULE)

    assert _lint(tmp_path).returncode == 0


def test_the_package_keeps_the_rule() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout
