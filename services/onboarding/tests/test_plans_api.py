"""Plans and tariff versions: order enforced, validated when written, one version per date,
versions only later than the current one, announced when they take effect."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from onboarding_testkit import API, SLAB_TARIFF, events, post

from onboarding.tariffs.models import TariffVersion
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


def plan_body(utility: dict[str, int], **tariff: object) -> dict[str, object]:
    return {"name": "Residential", "utility_service": utility["service"],
            "category": utility["category"], "tariff": {**SLAB_TARIFF, **tariff}}


def test_a_plan_with_its_tariff_is_created_current_and_announced(as_admin, utility):
    body = post(as_admin, "plans/", plan_body(utility))
    version = body["current_version"]
    assert version["number"] == 1
    assert version["effective_from"] == "2025-01-01"
    assert version["tariff"]["slabs"][0] == {"up_to": "300", "rate": "0.08"}
    assert version["tariff"]["fixed_charge"] == "15.00"
    assert version["activated_at"] is not None  # 2025-01-01 is past: in effect at once
    assert events("onboarding.plan.created") == [
        {"plan_id": body["id"], "name": "Residential", "utility_service_id": utility["service"],
         "category_id": utility["category"]}]
    activated = events("onboarding.tariff.activated")
    assert len(activated) == 1
    assert activated[0]["version_id"] == version["id"]
    assert activated[0]["tariff"]["slabs"][2] == {"up_to": None, "rate": "0.16"}
    assert activated[0]["effective_from"] == "2025-01-01"


def test_a_plan_before_its_service_or_category_is_409(as_admin, utility):
    no_service = as_admin.post(API + "plans/", {**plan_body(utility), "utility_service": 987654},
                               format="json")
    assert no_service.status_code == 409
    assert no_service.json()["code"] == "configuration_order"
    no_category = as_admin.post(API + "plans/", {**plan_body(utility), "category": 987654},
                                format="json")
    assert no_category.status_code == 409
    assert "category" in no_category.json()["detail"]


def test_a_future_version_waits_and_a_duplicate_date_is_409(as_admin, utility):
    plan = post(as_admin, "plans/", plan_body(utility))
    future = (date.today() + timedelta(days=30)).isoformat()
    version = post(as_admin, f"plans/{plan['id']}/versions/",
                   {"tariff": {**SLAB_TARIFF, "effective_from": future, "fixed_charge": "20.00"}})
    assert version["number"] == 2
    assert version["activated_at"] is None
    assert len(events("onboarding.tariff.activated")) == 1
    assert as_admin.get(f"{API}plans/{plan['id']}/").json()["current_version"]["number"] == 1

    duplicate = as_admin.post(f"{API}plans/{plan['id']}/versions/",
                              {"tariff": {**SLAB_TARIFF, "effective_from": future}}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_effective_date"
    listed = as_admin.get(f"{API}plans/{plan['id']}/versions/").json()["results"]
    assert sorted(v["number"] for v in listed) == [1, 2]


def test_a_version_older_than_the_current_one_is_409(as_admin, utility):
    plan = post(as_admin, "plans/", plan_body(utility, effective_from="2025-06-01"))
    older = as_admin.post(f"{API}plans/{plan['id']}/versions/",
                          {"tariff": {**SLAB_TARIFF, "effective_from": "2025-05-01"}}, format="json")
    assert older.status_code == 409
    assert older.json()["code"] == "version_not_later"
    assert "2025-06-01" in older.json()["detail"]


def test_a_back_dated_later_version_becomes_current_at_once(as_admin, utility):
    plan = post(as_admin, "plans/", plan_body(utility, effective_from="2025-01-01"))
    newer = post(as_admin, f"plans/{plan['id']}/versions/",
                 {"tariff": {**SLAB_TARIFF, "effective_from": "2025-02-01"}})
    assert newer["activated_at"] is not None
    assert as_admin.get(f"{API}plans/{plan['id']}/").json()["current_version"]["id"] == newer["id"]
    assert [e["tariff_version"] for e in events("onboarding.tariff.activated")] == [1, 2]


@pytest.mark.parametrize(("tariff", "field"), [
    ({"slabs": [{"up_to": "600", "rate": "0.08"}, {"up_to": "300", "rate": "0.1"},
                {"up_to": None, "rate": "0.2"}]}, "tariff.slabs[1].up_to"),
    ({"slabs": [{"up_to": "300", "rate": "0.08"}]}, "tariff.slabs[0].up_to"),
    ({"slabs": [{"up_to": None, "rate": "0.08"}, {"up_to": None, "rate": "0.1"}]},
     "tariff.slabs[0].up_to"),
    ({"slabs": [{"up_to": None, "rate": "-0.08"}]}, "tariff.slabs[0].rate"),
    ({"kind": "flat", "slabs": []}, "tariff.rate"),
    ({"kind": "seasonal", "slabs": [], "seasons": [
        {"name": "summer", "months": [5, 6, 7, 8], "rate": "0.2"},
        {"name": "winter", "months": [8, 9, 10, 11, 12, 1, 2, 3, 4], "rate": "0.1"}]},
     "tariff.seasons[1].months"),
    ({"kind": "seasonal", "slabs": [], "seasons": [
        {"name": "summer", "months": [5, 6, 7, 8], "rate": "0.2"}]}, "tariff.seasons"),
    ({"kind": "tou", "slabs": [], "tou": [
        {"name": "peak", "start": "08:00", "end": "20:00", "rate": "0.3"},
        {"name": "off", "start": "19:00", "end": "08:00", "rate": "0.1"}]}, "tariff.tou[1]"),
    ({"kind": "tou", "slabs": [], "tou": [
        {"name": "peak", "start": "08:00", "end": "20:00", "rate": "0.3"}]}, "tariff.tou"),
    ({"fixed_charge": "1.001"}, "tariff.fixed_charge"),
    ({"tax_rate": "1.5"}, "tariff.tax_rate"),
])
def test_bad_tariffs_are_400_naming_the_field(as_admin, utility, tariff, field):
    response = as_admin.post(API + "plans/", plan_body(utility, **tariff), format="json")
    assert response.status_code == 400, response.json()
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in problem["errors"]], problem


def test_rates_as_json_numbers_are_400(as_admin, utility):
    response = as_admin.post(API + "plans/", plan_body(
        utility, slabs=[{"up_to": None, "rate": 0.08}]), format="json")
    assert response.status_code == 400


def test_every_kind_is_accepted_when_valid(as_admin, utility):
    kinds = [
        {"kind": "flat", "slabs": [], "rate": "0.11"},
        {"kind": "fixed", "slabs": [], "fixed_charge": "30.00"},
        {"kind": "seasonal", "slabs": [], "seasons": [
            {"name": "summer", "months": [6, 7, 8], "slabs": [{"up_to": "100", "rate": "0.1"},
                                                            {"up_to": None, "rate": "0.2"}]},
            {"name": "rest", "months": [1, 2, 3, 4, 5, 9, 10, 11, 12], "rate": "0.09"}]},
        {"kind": "tou", "slabs": [], "tou": [
            {"name": "peak", "start": "08:00", "end": "20:00", "rate": "0.3"},
            {"name": "night", "start": "20:00", "end": "08:00", "rate": "0.1"}],
         "additional_charges": [{"name": "levy", "kind": "percent", "amount": "5"}]},
    ]
    for i, tariff in enumerate(kinds):
        body = {**plan_body(utility, **tariff), "name": f"Plan {i}"}
        post(as_admin, "plans/", body)
    assert TariffVersion.objects.filter(tenant_id=TENANT).count() == 4


def test_plans_of_another_tenant_are_404(as_admin, as_other_tenant, utility):
    plan = post(as_admin, "plans/", plan_body(utility))
    assert as_other_tenant.get(f"{API}plans/{plan['id']}/").status_code == 404
    assert as_other_tenant.get(f"{API}plans/{plan['id']}/versions/").status_code == 404
    assert as_other_tenant.post(f"{API}plans/{plan['id']}/versions/", {
        "tariff": {**SLAB_TARIFF, "effective_from": "2030-01-01"}}, format="json").status_code == 404


def test_plan_list_queries_do_not_grow_with_plans(as_admin, utility, django_assert_num_queries):
    for i in range(6):
        post(as_admin, "plans/", {**plan_body(utility), "name": f"Plan {i}"})
    # the tenant's today, the page, its versions
    with django_assert_num_queries(3):
        results = as_admin.get(API + "plans/").json()["results"]
    assert len(results) == 6
    assert all(p["current_version"]["number"] == 1 for p in results)


def test_setup_progress_is_weighted(as_admin, utility):
    progress = as_admin.get(API + "setup-progress/").json()
    done = {s["key"]: s["done"] for s in progress["steps"]}
    assert done == {"organization": True, "utility_services": True, "areas": True,
                    "categories": True, "plans": False, "id_formats": False}
    assert progress["percent"] == 65
    assert sum(s["weight"] for s in progress["steps"]) == 100
    post(as_admin, "plans/", plan_body(utility))
    assert as_admin.get(API + "setup-progress/").json()["percent"] == 90
