import io

import pytest
from django.core.management import CommandError, call_command

from safeshare.agencies.models import Role, User
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-7"


def bootstrap(monkeypatch, username="first.admin", password=PASSWORD, agency=None):
    agency = agency or AgencyFactory()
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command(
        "admin_bootstrap", username, email="a@example.test", agency=agency.code, stdout=out
    )
    return out.getvalue()


def test_first_administrator_is_created_with_ledger_entries(monkeypatch):
    printed = bootstrap(monkeypatch)
    user = User.objects.get(username="first.admin")
    assert user.roles == {Role.ADMINISTRATOR}
    assert user.check_password(PASSWORD)
    assert PASSWORD not in printed
    kinds = list(Entry.objects.filter(subject_ref=f"user:{user.pk}").values_list("kind", flat=True))
    assert kinds == ["membership.changed", "role.granted"]
    assert all(e.actor_ref == "system:admin_bootstrap" for e in Entry.objects.all())


def test_refused_once_an_administrator_exists(monkeypatch):
    staff(Role.ADMINISTRATOR)
    with pytest.raises(CommandError, match="already exists"):
        bootstrap(monkeypatch)
    assert not User.objects.filter(username="first.admin").exists()
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "username,password,field",
    [("first.admin", "short", "password"), ("bad name!", PASSWORD, "username")],
)
def test_bad_input_names_the_field_and_creates_nothing(monkeypatch, username, password, field):
    with pytest.raises(CommandError, match=f"^{field}:"):
        bootstrap(monkeypatch, username=username, password=password)
    assert not User.objects.exists()
    assert not Entry.objects.exists()


def test_unknown_agency_is_refused(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="agency"):
        call_command("admin_bootstrap", "x", email="a@example.test", agency="nope")
