"""Shared fixtures: a tenant admin (and another tenant's), the service areas as onboarding
announces them (region 21 → zone 22 → area 23, and a second zone 24 → area 25)."""

from __future__ import annotations

import pytest
from wx_testkit import feed

from smart360.contracts.onboarding import AreaCreated


@pytest.fixture
def areas() -> dict[str, int]:
    feed(AreaCreated(area_id=21, name="North", kind="region", parent_id=None, path="North"),
         AreaCreated(area_id=22, name="Z1", kind="zone", parent_id=21, path="North/Z1"),
         AreaCreated(area_id=23, name="Hilltop", kind="area", parent_id=22, path="North/Z1/Hilltop"),
         AreaCreated(area_id=24, name="Z2", kind="zone", parent_id=21, path="North/Z2"),
         AreaCreated(area_id=25, name="Riverside", kind="area", parent_id=24,
                     path="North/Z2/Riverside"))
    return {"region": 21, "zone": 22, "area": 23, "other_zone": 24, "other_area": 25}
