"""Utility services, categories, document and contract types, modules: made in order, announced,
tenant-scoped."""

from __future__ import annotations

import pytest
from onboarding_testkit import API, events, post

pytestmark = pytest.mark.django_db


def test_a_utility_service_is_created_and_announced(as_admin):
    body = post(as_admin, "utility-services/", {"code": "water", "name": "Water", "unit": "m3",
                                                "metered": True})
    assert body["code"] == "water"
    assert body["unit"] == "m3"
    assert events("onboarding.service.created") == [
        {"utility_service_id": body["id"], "code": "water", "name": "Water", "unit": "m3",
         "metered": True}]
    again = as_admin.post(API + "utility-services/", {"code": "water", "name": "W", "unit": "m3"},
                          format="json")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert len(events("onboarding.service.created")) == 1


def test_categories_and_subcategories_need_their_service_first(as_admin, utility):
    missing = as_admin.post(API + "categories/", {"name": "X", "utility_service": 999999,
                                                  "parent": None}, format="json")
    assert missing.status_code == 409
    assert missing.json()["code"] == "configuration_order"
    assert "utility service" in missing.json()["detail"]

    sub = post(as_admin, "categories/", {"name": "Low income", "utility_service": utility["service"],
                                         "parent": utility["category"]})
    assert sub["parent"] == utility["category"]
    subsub = as_admin.post(API + "categories/", {"name": "Deeper", "utility_service":
                                                 utility["service"], "parent": sub["id"]},
                           format="json")
    assert subsub.status_code == 400
    created = events("onboarding.category.created")
    assert created[-1] == {"category_id": sub["id"], "name": "Low income",
                           "utility_service_id": utility["service"],
                           "parent_id": utility["category"]}
    listed = as_admin.get(API + "categories/", {"parent": utility["category"]}).json()["results"]
    assert [c["id"] for c in listed] == [sub["id"]]


def test_a_subcategory_stays_in_its_parents_service(as_admin, utility):
    water = post(as_admin, "utility-services/", {"code": "water", "name": "Water", "unit": "m3"})
    response = as_admin.post(API + "categories/", {"name": "Mixed", "utility_service": water["id"],
                                                   "parent": utility["category"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "parent"


def test_another_tenants_rows_are_404_and_cannot_be_referenced(as_admin, as_other_tenant, utility):
    assert as_other_tenant.get(f"{API}utility-services/{utility['service']}/").status_code == 404
    assert as_other_tenant.get(f"{API}categories/{utility['category']}/").status_code == 404
    assert as_other_tenant.get(API + "utility-services/").json()["results"] == []
    borrowed = as_other_tenant.post(API + "categories/", {
        "name": "Theirs", "utility_service": utility["service"], "parent": None}, format="json")
    assert borrowed.status_code == 409  # as if it did not exist


def test_lists_take_a_fixed_number_of_queries(as_admin, utility, django_assert_num_queries):
    for i in range(5):
        post(as_admin, "categories/", {"name": f"C{i}", "utility_service": utility["service"],
                                       "parent": utility["category"]})
    with django_assert_num_queries(1):
        assert len(as_admin.get(API + "categories/").json()["results"]) == 6
    with django_assert_num_queries(1):
        as_admin.get(API + "utility-services/")


@pytest.mark.parametrize(("path", "body"), [
    ("document-types/", {"code": "id_proof", "name": "Identity proof", "required": True}),
    ("contract-types/", {"code": "temporary", "name": "Temporary", "term_months": 6}),
    ("modules/", {"module": "bx"}),
])
def test_simple_lists_create_list_refuse_duplicates_and_delete(as_admin, as_other_tenant, path,
                                                               body):
    row = post(as_admin, path, body)
    assert {k: row[k] for k in body} == body
    assert as_admin.post(API + path, body, format="json").status_code == 409
    assert [r["id"] for r in as_admin.get(API + path).json()["results"]] == [row["id"]]
    assert as_other_tenant.get(API + path).json()["results"] == []
    assert as_other_tenant.delete(f"{API}{path}{row['id']}/").status_code == 404
    assert as_admin.delete(f"{API}{path}{row['id']}/").status_code == 204
    assert as_admin.get(API + path).json()["results"] == []


def test_bad_codes_are_400(as_admin):
    response = as_admin.post(API + "utility-services/", {"code": "Elec tricity", "name": "E",
                                                         "unit": "kWh"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "code"
