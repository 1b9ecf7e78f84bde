"""The area hierarchy: region → zone → area → sub_area with paths; CSV import all or nothing."""

from __future__ import annotations

import pytest
from onboarding_testkit import API, events, post

from onboarding.areas.models import Area
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


def test_areas_nest_with_their_path_and_are_announced(as_admin, utility):
    sub = post(as_admin, "areas/", {"name": "Block 7", "kind": "sub_area", "parent": utility["area"]})
    assert sub["path"] == "North/Z1/Hilltop/Block 7"
    assert events("onboarding.area.created")[-1] == {
        "area_id": sub["id"], "name": "Block 7", "kind": "sub_area", "parent_id": utility["area"],
        "path": "North/Z1/Hilltop/Block 7"}
    assert as_admin.get(f"{API}areas/{sub['id']}/").json()["path"] == "North/Z1/Hilltop/Block 7"


@pytest.mark.parametrize(("kind", "parent_key", "status"), [
    ("zone", None, 400),          # a zone needs a region
    ("area", "region", 400),      # an area hangs under a zone
    ("region", "region", 400),    # a region is at the top
])
def test_levels_are_kept(as_admin, utility, kind, parent_key, status):
    parent = utility[parent_key] if parent_key else None
    response = as_admin.post(API + "areas/", {"name": "X", "kind": kind, "parent": parent},
                             format="json")
    assert response.status_code == status, response.json()


def test_unknown_parent_is_409_and_duplicate_path_is_409(as_admin, as_other_tenant, utility):
    assert as_admin.post(API + "areas/", {"name": "X", "kind": "zone", "parent": 99999},
                         format="json").status_code == 409
    assert as_admin.post(API + "areas/", {"name": "Z1", "kind": "zone", "parent": utility["region"]},
                         format="json").status_code == 409
    assert as_other_tenant.post(API + "areas/", {"name": "Z9", "kind": "zone",
                                                 "parent": utility["region"]},
                                format="json").status_code == 409
    assert as_other_tenant.get(f"{API}areas/{utility['region']}/").status_code == 404


def test_csv_import_creates_the_tree_in_bulk_with_events(as_admin, utility,
                                                         django_assert_max_num_queries):
    text = "name,kind,parent_path\nSouth,region,\nS1,zone,South\n" + "".join(
        f"Area {i},area,South/S1\n" for i in range(40)) + "Hill 2,area,North/Z1\n"
    with django_assert_max_num_queries(14):
        body = post(as_admin, "areas/import/", {"csv": text})
    assert body["created"] == 43
    paths = {a["path"]: a for a in body["areas"]}
    assert paths["South/S1/Area 3"]["parent"] == paths["South/S1"]["id"]
    assert paths["North/Z1/Hill 2"]["parent"] == utility["zone"]
    assert len(events("onboarding.area.created")) == 3 + 43


def test_csv_import_with_a_bad_line_writes_nothing_and_names_each_line(as_admin, utility):
    before = Area.objects.filter(tenant_id=TENANT).count()
    text = ("South,region,\nS1,zone,South\nBad,planet,South\nOrphan,zone,Nowhere\n"
            "Z1,zone,North\nA,area,South\n")
    response = as_admin.post(API + "areas/import/", {"csv": text}, format="json")
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"line 3", "line 4", "line 5", "line 6"}
    assert "kind" in errors["line 3"]
    assert "Nowhere" in errors["line 4"]
    assert "already exists" in errors["line 5"]
    assert "zone" in errors["line 6"]
    assert Area.objects.filter(tenant_id=TENANT).count() == before
    assert len(events("onboarding.area.created")) == 3


def test_area_list_filters_and_counts_queries(as_admin, utility, django_assert_num_queries):
    with django_assert_num_queries(1):
        zones = as_admin.get(API + "areas/", {"kind": "zone"}).json()["results"]
    assert [z["path"] for z in zones] == ["North/Z1"]
    assert [a["id"] for a in as_admin.get(API + "areas/", {"parent": utility["zone"]}).json()[
        "results"]] == [utility["area"]]


@pytest.mark.parametrize("text", ["\u008b\r\u008c\u001b)\u00fc0o", "a\x00b,region,", "\"open,region,\n"])
def test_unreadable_csv_is_a_400_not_a_500(as_admin, utility, text):
    assert as_admin.post(API + "areas/import/", {"csv": text}, format="json").status_code == 400
