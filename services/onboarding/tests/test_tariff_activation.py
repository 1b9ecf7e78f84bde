"""onboarding.tariff.activated: once per version, on its effective date in the tenant's own
time zone (the nightly job), or at once when written already in effect."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from factories import CategoryFactory
from onboarding_testkit import SLAB_TARIFF, events, post

from onboarding.organizations.models import Organization
from onboarding.tariffs.models import Plan, TariffVersion
from onboarding.tariffs.services import tariff_versions_activate_due
from onboarding.tariffs.tasks import activate_tariff_versions
from smart360.django.models import JobRun
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(as_admin, utility) -> dict[str, object]:
    return post(as_admin, "plans/", {"name": "Residential", "utility_service": utility["service"],
                                     "category": utility["category"], "tariff": SLAB_TARIFF})


def add_version(as_admin, plan, effective_from: str) -> dict[str, object]:
    return post(as_admin, f"plans/{plan['id']}/versions/",
                {"tariff": {**SLAB_TARIFF, "effective_from": effective_from}})


def test_the_job_announces_a_version_on_its_day_once(as_admin, plan):
    v2 = add_version(as_admin, plan, "2031-03-10")
    assert tariff_versions_activate_due(as_of=date(2031, 3, 9))["activated"] == 0
    assert tariff_versions_activate_due(as_of=date(2031, 3, 10))["activated"] == 1
    assert tariff_versions_activate_due(as_of=date(2031, 3, 11))["activated"] == 0
    announced = events("onboarding.tariff.activated")
    assert [e["version_id"] for e in announced] == [plan["current_version"]["id"], v2["id"]]
    assert TariffVersion.objects.get(pk=v2["id"]).activated_at is not None


def test_each_tenant_is_activated_on_its_own_calendar(as_admin, plan):
    """At 2031-03-09 20:00 UTC it is already the 10th in Auckland, still the 9th in UTC."""
    v2 = add_version(as_admin, plan, "2031-03-10")
    other = uuid.uuid4()
    Organization.objects.create(id=other, name="Kiwi", created_by=uuid.uuid4(),
                                timezone="Pacific/Auckland")
    category = CategoryFactory(tenant_id=other)
    kiwi_plan = Plan.objects.create(tenant_id=other, name="Kiwi", category=category,
                                    utility_service=category.utility_service)
    kiwi = TariffVersion.objects.create(
        tenant_id=other, plan=kiwi_plan, number=1, effective_from=date(2031, 3, 10),
        tariff=TariffVersion.objects.get(pk=v2["id"]).tariff)
    evening = datetime(2031, 3, 9, 20, 0, tzinfo=UTC)
    assert tariff_versions_activate_due(now=evening) == {"activated": 1, "tenants": 1}
    assert TariffVersion.objects.get(pk=kiwi.pk).activated_at == evening
    assert TariffVersion.objects.get(pk=v2["id"]).activated_at is None
    Organization.objects.filter(pk=TENANT).update(timezone="America/New_York")
    assert tariff_versions_activate_due(now=datetime(2031, 3, 10, 3, 0, tzinfo=UTC))[
        "activated"] == 0  # 23:00 on the 9th in New York (EDT)
    assert tariff_versions_activate_due(now=datetime(2031, 3, 10, 5, 0, tzinfo=UTC))[
        "activated"] == 1


def test_the_job_is_runnable_as_of_a_date_and_recorded(as_admin, plan):
    add_version(as_admin, plan, "2032-01-01")
    assert activate_tariff_versions(as_of="2032-01-01")["activated"] == 1
    run = JobRun.objects.get(name="onboarding.activate_tariff_versions")
    assert run.last_status == "ok"
    assert run.last_as_of == date(2032, 1, 1)
    assert len(events("onboarding.tariff.activated")) == 2


def test_the_job_takes_a_constant_number_of_queries(as_admin, utility, django_assert_num_queries):
    for i in range(5):
        plan = post(as_admin, "plans/", {"name": f"P{i}", "utility_service": utility["service"],
                                         "category": utility["category"], "tariff": SLAB_TARIFF})
        add_version(as_admin, plan, "2033-01-01")
    with django_assert_num_queries(4):  # savepoint, UPDATE … RETURNING, SELECT, release (+ COPY)
        assert tariff_versions_activate_due(as_of=date(2033, 1, 1))["activated"] == 5
