"""Organization settings (announced to every service) and the working calendar."""

from __future__ import annotations

import pytest
from onboarding_testkit import API, events, post

pytestmark = pytest.mark.django_db
ORG = API + "organizations/current/"


def test_settings_change_and_are_announced(as_admin):
    response = as_admin.patch(ORG, {"currency": "kes", "timezone": "Africa/Nairobi",
                                    "date_format": "DD/MM/YYYY"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["currency"] == "KES"
    assert events("onboarding.organization.updated") == [{
        "organization_id": response.json()["id"], "name": "Aqua City", "currency": "KES",
        "timezone": "Africa/Nairobi", "date_format": "DD/MM/YYYY"}]


@pytest.mark.parametrize(("body", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"currency": "EURO"}, "currency"),
    ({"date_format": "YY"}, "date_format"),
])
def test_bad_settings_are_400(as_admin, body, field):
    response = as_admin.patch(ORG, body, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
    assert events("onboarding.organization.updated") == []


def test_holidays_and_working_hours(as_admin, as_other_tenant):
    holiday = post(as_admin, "holidays/", {"date": "2026-12-25", "name": "Christmas"})
    assert as_admin.post(API + "holidays/", {"date": "2026-12-25", "name": "Again"},
                         format="json").status_code == 409
    assert [h["id"] for h in as_admin.get(API + "holidays/", {"year": 2026}).json()["results"]] \
        == [holiday["id"]]
    assert as_admin.get(API + "holidays/", {"year": 2027}).json()["results"] == []
    assert as_other_tenant.delete(f"{API}holidays/{holiday['id']}/").status_code == 404

    monday = post(as_admin, "working-hours/", {"weekday": 0, "opens": "08:00", "closes": "17:00"})
    replaced = post(as_admin, "working-hours/", {"weekday": 0, "opens": "09:00", "closes": "18:00"})
    assert replaced["id"] == monday["id"]
    assert replaced["opens"] == "09:00:00"
    assert as_admin.post(API + "working-hours/", {"weekday": 1, "opens": "18:00",
                                                  "closes": "08:00"}, format="json").status_code == 400
    assert as_other_tenant.get(API + "working-hours/").json()["results"] == []
    assert as_admin.delete(f"{API}working-hours/{monday['id']}/").status_code == 204
