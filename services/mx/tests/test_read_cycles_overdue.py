from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from factories import ReadCycleFactory

from mx.readings.models import ReadCycle
from mx.readings.services import read_cycles_mark_overdue
from mx.readings.tasks import mark_overdue_read_cycles
from smart360.django.models import JobRun

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 6, 15, tzinfo=UTC)
S = ReadCycle.Status


def mark() -> int:
    return read_cycles_mark_overdue(today=TODAY, now=NOW)


def status(cycle: ReadCycle) -> str:
    return ReadCycle.objects.get(pk=cycle.pk).status


@pytest.mark.parametrize("open_status", [S.SCHEDULED, S.IN_PROGRESS])
def test_open_cycle_past_due_becomes_delayed(open_status):
    cycle = ReadCycleFactory(status=open_status, due_on=TODAY - timedelta(days=1))

    assert mark() == 1

    cycle.refresh_from_db()
    assert (cycle.status, cycle.delayed_at) == (S.DELAYED, NOW)


def test_cycle_due_today_is_still_on_time():
    cycle = ReadCycleFactory(due_on=TODAY)

    assert mark() == 0
    assert status(cycle) == S.SCHEDULED


@pytest.mark.parametrize("settled", [S.COMPLETED, S.PAUSED])
def test_completed_and_paused_cycles_are_left_alone(settled):
    cycle = ReadCycleFactory(status=settled, due_on=TODAY - timedelta(days=30))

    assert mark() == 0
    assert status(cycle) == settled


def test_every_tenant_is_swept_and_only_overdue_rows_change():
    other = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
    late_a = ReadCycleFactory(due_on=TODAY - timedelta(days=2))
    late_b = ReadCycleFactory(tenant_id=other, due_on=TODAY - timedelta(days=9))
    on_time_b = ReadCycleFactory(tenant_id=other, due_on=TODAY + timedelta(days=3))

    assert mark() == 2
    assert [status(c) for c in (late_a, late_b, on_time_b)] == [S.DELAYED, S.DELAYED, S.SCHEDULED]


def test_running_twice_changes_nothing_the_second_time():
    ReadCycleFactory.create_batch(3, due_on=TODAY - timedelta(days=1))
    mark()
    before = list(ReadCycle.objects.order_by("pk").values("status", "delayed_at", "updated_at"))

    assert read_cycles_mark_overdue(today=TODAY, now=NOW + timedelta(hours=1)) == 0
    assert list(
        ReadCycle.objects.order_by("pk").values("status", "delayed_at", "updated_at")
    ) == before


def test_one_update_whatever_the_number_of_cycles(django_assert_num_queries):
    ReadCycleFactory.create_batch(25, due_on=TODAY - timedelta(days=1))

    with django_assert_num_queries(1):
        assert mark() == 25


def test_due_cannot_precede_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadCycleFactory(scheduled_start_on=TODAY, due_on=TODAY - timedelta(days=1))


def test_task_runs_the_service_and_records_the_job():
    ReadCycleFactory(due_on=date(2020, 1, 1))

    result = mark_overdue_read_cycles.delay().get()

    assert result == {"delayed": 1}
    run = JobRun.objects.get(name="mx.mark_overdue_read_cycles")
    assert (run.last_status, run.last_result) == (JobRun.Status.OK, result)
