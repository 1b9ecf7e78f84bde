"""Projections: what bx keeps from onboarding, cx and mx events, once per event."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.conftest import PLAN, SERVICE, send

from bx.projections.models import Account, Plan, Reading, TariffVersion, UtilityService
from smart360.contracts.onboarding import PlanCreated
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_service_plan_tariff_and_account_are_projected(world):
    number = world.account()
    assert UtilityService.objects.get(tenant_id=TENANT, service_id=SERVICE).unit == "kWh"
    account = Account.objects.get(tenant_id=TENANT, number=number)
    assert (account.plan_id, account.utility_service_id, account.premise) == (PLAN, SERVICE, "1 Main St")
    version = TariffVersion.objects.get(tenant_id=TENANT, plan_id=PLAN)
    assert version.tariff["slabs"][0] == {"up_to": "300", "rate": "0.08"}
    send(PlanCreated(plan_id=PLAN, name="Residential", utility_service_id=SERVICE, category_id=1))
    assert Plan.objects.get(tenant_id=TENANT, plan_id=PLAN).name == "Residential"


def test_a_redelivered_event_changes_nothing(world):
    number = world.account()
    event = world.reading(number, "850", at=AT)
    envelope = envelope_of(event, tenant_id=TENANT)
    assert deliver.apply(args=[[envelope]]).get()["handled"] == 1
    assert deliver.apply(args=[[envelope]]).get()["duplicates"] == 1
    assert Reading.objects.filter(tenant_id=TENANT).count() == 1


def test_readings_are_taken_in_one_statement_per_batch(world, django_assert_max_num_queries):
    numbers = [world.account() for _ in range(3)]
    events = [world.reading(n, str(100 + i), at=AT) for i, n in enumerate(numbers * 20)]
    envelopes = [envelope_of(e, tenant_id=TENANT) for e in events]
    with django_assert_max_num_queries(6) as captured:  # savepoint, inbox claim, upsert, release
        assert deliver.apply(args=[envelopes]).get()["handled"] == 60
    inserts = [q for q in captured.captured_queries if "projections_reading" in q["sql"]]
    assert len(inserts) == 1
    assert Reading.objects.filter(tenant_id=TENANT).count() == 60


def test_a_revalidated_reading_replaces_its_values(world):
    number = world.account()
    event = world.reading(number, "850", at=AT)
    send(event)
    send(event.model_copy(update={"consumption": Decimal("840"), "value": Decimal("840")}))
    assert Reading.objects.get(tenant_id=TENANT).consumption == Decimal("840")


def test_tariff_versions_keep_one_per_day_the_higher_number_winning(world):
    world.tariff({"kind": "flat", "rate": "0.2"}, version=3, effective_from=date(2026, 6, 1))
    world.tariff({"kind": "flat", "rate": "0.1"}, version=2, effective_from=date(2026, 6, 1))  # late
    rows = list(TariffVersion.objects.filter(tenant_id=TENANT, plan_id=PLAN)
                .order_by("effective_from").values_list("number", "tariff__rate"))
    assert rows == [(1, None), (3, "0.2")]


def test_projections_are_per_tenant(world):
    world.account("ACC-1")
    other = type(world)(tenant=OTHER_TENANT)
    other.account("ACC-1")
    assert Account.objects.filter(number="ACC-1").count() == 2
