import pytest
from django.contrib import admin
from django.test import RequestFactory

from safeshare.ledger.models import Checkpoint, Entry


@pytest.mark.parametrize("model", [Entry, Checkpoint])
def test_ledger_is_registered_read_only(model, monkeypatch):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    monkeypatch.setattr(model_admin.admin_site, "has_permission", lambda request: True)

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


def test_only_those_the_admin_site_admits_may_read_it(monkeypatch):
    model_admin = admin.site._registry[Entry]
    request = RequestFactory().get("/admin/")
    monkeypatch.setattr(model_admin.admin_site, "has_permission", lambda request: False)

    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_module_permission(request)
