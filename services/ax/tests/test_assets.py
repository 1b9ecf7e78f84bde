"""The registry through its API: the hierarchy, filters and pages, the status lifecycle (409),
condition over time, usage, another tenant's rows (404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from tests.factories import AssetFactory, AssetTypeFactory, UnitFactory

from ax.assets.models import Asset
from smart360.testing.factories import OTHER_TENANT

pytestmark = pytest.mark.django_db
API = "/ax/api/v1/"


def post(client, path, body, status=201):
    response = client.post(f"{API}{path}", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def hierarchy(as_admin, areas):
    plant = post(as_admin, "plants/", {"code": "NTP", "name": "North treatment plant",
                                       "area": areas["area"]})
    unit = post(as_admin, "units/", {"plant": plant["id"], "code": "NTP-PH1", "name": "Pump house 1"})
    category = post(as_admin, "asset-categories/", {"code": "pump", "name": "Pump"})
    kind = post(as_admin, "asset-types/", {"category": category["id"], "code": "cp50",
                                           "name": "Centrifugal pump 50 kW"})
    return {"plant": plant, "unit": unit, "category": category, "type": kind}


def new_asset(client, hierarchy, tag="PMP-001", **extra):
    return post(client, "assets/", {"tag": tag, "name": "Booster pump", "unit": hierarchy["unit"]["id"],
                                    "asset_type": hierarchy["type"]["id"], **extra})


def test_an_asset_sits_in_a_unit_of_a_plant_and_takes_the_plants_area(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy, serial_number="SN-9", usage_unit="h")

    assert asset["plant"] == hierarchy["plant"]["id"]
    assert asset["unit"] == hierarchy["unit"]["id"]
    assert asset["category"] == hierarchy["category"]["id"]
    assert asset["area"] == 23
    assert (asset["status"], asset["condition"], asset["condition_score"]) == ("ACTIVE", "", None)
    row = Asset.objects.get(pk=asset["id"])
    assert row.unit.plant_id == hierarchy["plant"]["id"]  # a real foreign key chain


def test_references_must_exist_in_this_tenant(as_admin, hierarchy):
    foreign_unit = UnitFactory(tenant_id=OTHER_TENANT)
    body = {"tag": "X-1", "name": "x", "unit": foreign_unit.pk, "asset_type": hierarchy["type"]["id"]}
    assert as_admin.post(f"{API}assets/", body, format="json").status_code == 404
    assert as_admin.post(f"{API}plants/", {"code": "P2", "name": "p", "area": 999},
                         format="json").json()["code"] == "unknown_area"


def test_a_duplicate_code_is_a_409(as_admin, hierarchy):
    new_asset(as_admin, hierarchy)
    response = as_admin.post(f"{API}assets/", {"tag": "PMP-001", "name": "again",
                                               "unit": hierarchy["unit"]["id"],
                                               "asset_type": hierarchy["type"]["id"]}, format="json")
    assert response.status_code == 409
    assert as_admin.post(f"{API}plants/", {"code": "NTP", "name": "again"},
                         format="json").status_code == 409


def test_status_lifecycle_and_an_illegal_move_is_a_409(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy)
    path = f"assets/{asset['id']}/status/"

    assert post(as_admin, path, {"status": "UNDER_MAINTENANCE"}, 200)["status"] == "UNDER_MAINTENANCE"
    assert post(as_admin, path, {"status": "ACTIVE"}, 200)["status"] == "ACTIVE"
    assert post(as_admin, path, {"status": "DECOMMISSIONED"}, 200)["status"] == "DECOMMISSIONED"
    refused = as_admin.post(f"{API}{path}", {"status": "ACTIVE"}, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert (refused.json()["current"], refused.json()["allowed"]) == ("DECOMMISSIONED", [])
    assessed = as_admin.post(f"{API}assets/{asset['id']}/assessments/", {"score": 3}, format="json")
    assert assessed.status_code == 409


def test_current_condition_is_the_latest_assessment(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy)
    path = f"assets/{asset['id']}/assessments/"
    now = timezone.now()
    post(as_admin, path, {"score": 4, "assessed_at": (now - timedelta(days=30)).isoformat()})
    post(as_admin, path, {"score": 2, "notes": "bearing noise", "assessed_at": now.isoformat()})
    # a back-dated assessment joins the history without replacing the newer condition
    post(as_admin, path, {"score": 5, "assessed_at": (now - timedelta(days=400)).isoformat()})

    detail = as_admin.get(f"{API}assets/{asset['id']}/").json()
    assert (detail["condition"], detail["condition_score"]) == ("POOR", 2)
    history = as_admin.get(f"{API}{path}").json()["results"]
    assert [a["grade"] for a in history] == ["EXCELLENT", "POOR", "GOOD"]  # newest row first
    future = (now + timedelta(days=1)).isoformat()
    assert as_admin.post(f"{API}{path}", {"score": 3, "assessed_at": future},
                         format="json").status_code == 400
    assert as_admin.post(f"{API}{path}", {"score": 6}, format="json").status_code == 400


def test_usage_only_goes_up(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy, usage_unit="h")
    path = f"assets/{asset['id']}/usage/"
    assert post(as_admin, path, {"reading": "1200.5"}, 200)["usage"] == "1200.500"
    assert as_admin.post(f"{API}{path}", {"reading": "1000"}, format="json").status_code == 409
    assert as_admin.post(f"{API}{path}", {"reading": 1300}, format="json").status_code == 400


def test_filters_and_keyset_pages(as_admin, hierarchy, django_assert_max_num_queries):
    pump = hierarchy["type"]["id"]
    valve_cat = post(as_admin, "asset-categories/", {"code": "valve", "name": "Valve"})
    valve = post(as_admin, "asset-types/", {"category": valve_cat["id"], "code": "gv", "name": "Gate"})
    for n in range(5):
        new_asset(as_admin, hierarchy, tag=f"PMP-{n}")
    new_asset(as_admin, {**hierarchy, "type": valve}, tag="VLV-1")
    AssetFactory(tenant_id=OTHER_TENANT, asset_type=AssetTypeFactory(tenant_id=OTHER_TENANT))

    assert len(as_admin.get(f"{API}assets/", {"category": valve_cat["id"]}).json()["results"]) == 1
    assert len(as_admin.get(f"{API}assets/", {"asset_type": pump}).json()["results"]) == 5
    assert len(as_admin.get(f"{API}assets/", {"plant": hierarchy["plant"]["id"]}).json()["results"]) == 6
    assert len(as_admin.get(f"{API}assets/", {"condition": "UNASSESSED"}).json()["results"]) == 6
    assert as_admin.get(f"{API}assets/", {"search": "vlv-1"}).json()["results"][0]["tag"] == "VLV-1"
    assert as_admin.get(f"{API}assets/", {"status": "NOPE"}).status_code == 400

    seen, url = [], f"{API}assets/?limit=4"
    while url:
        with django_assert_max_num_queries(1):  # one query per page, whatever its size
            page = as_admin.get(url).json()
        seen += [a["tag"] for a in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 6


def test_another_tenants_rows_are_404(as_admin, as_other_tenant, hierarchy):
    asset = new_asset(as_admin, hierarchy)
    for path in (f"assets/{asset['id']}/", f"assets/{asset['id']}/assessments/",
                 f"assets/{asset['id']}/history/", f"plants/{hierarchy['plant']['id']}/",
                 f"units/{hierarchy['unit']['id']}/"):
        assert as_other_tenant.get(f"{API}{path}").status_code == 404, path
    moved = as_other_tenant.post(f"{API}assets/{asset['id']}/status/", {"status": "DECOMMISSIONED"},
                                 format="json")
    assert moved.status_code == 404
    assert as_other_tenant.patch(f"{API}assets/{asset['id']}/", {"name": "mine"},
                                 format="json").status_code == 404
    assert as_other_tenant.get(f"{API}assets/").json()["results"] == []
    assert Asset.objects.get(pk=asset["id"]).status == "ACTIVE"


def test_patch_moves_an_asset_to_another_unit(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy)
    other = post(as_admin, "units/", {"plant": hierarchy["plant"]["id"], "code": "PH2", "name": "PH 2"})
    changed = as_admin.patch(f"{API}assets/{asset['id']}/", {"unit": other["id"], "area": 21},
                             format="json").json()
    assert (changed["unit"], changed["area"]) == (other["id"], 21)


def test_manual_service_record(as_admin, hierarchy):
    asset = new_asset(as_admin, hierarchy)
    at = datetime(2026, 1, 5, 9, tzinfo=UTC).isoformat()
    post(as_admin, f"assets/{asset['id']}/history/", {"kind": "VENDOR_VISIT", "notes": "AMC visit",
                                                      "performed_at": at})
    rows = as_admin.get(f"{API}assets/{asset['id']}/history/").json()["results"]
    assert [(r["origin"], r["kind"]) for r in rows] == [("MANUAL", "VENDOR_VISIT")]
