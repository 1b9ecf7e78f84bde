from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from tests.factories import MaintenanceContractFactory

from ax.assets.models import MaintenanceContract
from ax.assets.services import maintenance_contracts_flag_expiring
from ax.assets.tasks import flag_expiring_contracts
from smart360.django.models import JobRun

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 5, 0, tzinfo=UTC)


def flag(today: date = TODAY) -> int:
    return maintenance_contracts_flag_expiring(today=today, now=NOW)


def flagged_on(contract: MaintenanceContract) -> date | None:
    return MaintenanceContract.objects.get(pk=contract.pk).expiry_flagged_on


@pytest.mark.parametrize(
    ("days_left", "flagged"),
    [(-1, False), (0, True), (1, True), (30, True), (31, False), (365, False)],
)
def test_contracts_ending_within_thirty_days_are_flagged(days_left, flagged):
    contract = MaintenanceContractFactory(ends_on=TODAY + timedelta(days=days_left))

    assert flag() == int(flagged)
    assert flagged_on(contract) == (TODAY if flagged else None)


def test_flagging_is_once_even_as_the_end_date_approaches():
    contract = MaintenanceContractFactory(ends_on=TODAY + timedelta(days=20))
    flag()
    before = list(MaintenanceContract.objects.values("expiry_flagged_on", "updated_at"))

    assert flag() == 0
    assert flag(TODAY + timedelta(days=10)) == 0
    assert list(MaintenanceContract.objects.values("expiry_flagged_on", "updated_at")) == before
    assert flagged_on(contract) == TODAY


def test_a_contract_enters_the_window_on_a_later_day():
    contract = MaintenanceContractFactory(ends_on=TODAY + timedelta(days=45))

    assert flag() == 0
    assert flag(TODAY + timedelta(days=15)) == 1
    assert flagged_on(contract) == TODAY + timedelta(days=15)


def test_all_tenants_in_one_update_and_far_off_contracts_untouched(django_assert_num_queries):
    other = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
    soon_a = MaintenanceContractFactory(ends_on=TODAY + timedelta(days=5))
    soon_b = MaintenanceContractFactory(tenant_id=other, ends_on=TODAY + timedelta(days=6))
    far_b = MaintenanceContractFactory(tenant_id=other, ends_on=TODAY + timedelta(days=90))

    with django_assert_num_queries(1):
        assert flag() == 2
    assert [flagged_on(c) for c in (soon_a, soon_b, far_b)] == [TODAY, TODAY, None]
    assert soon_b.asset.tenant_id == other


def test_a_contract_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MaintenanceContractFactory(starts_on=TODAY, ends_on=TODAY - timedelta(days=1))


def test_task_runs_the_service_and_records_the_job():
    MaintenanceContractFactory(ends_on=datetime.now(UTC).date() + timedelta(days=7))

    result = flag_expiring_contracts.delay().get()

    assert result == {"flagged": 1}
    run = JobRun.objects.get(name="ax.flag_expiring_contracts")
    assert (run.last_status, run.last_result) == (JobRun.Status.OK, result)
