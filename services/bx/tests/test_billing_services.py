from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction
from tests.factories import BillRunFactory, BillScheduleFactory

from bx.billing.models import BillRun, BillSchedule
from bx.billing.services import add_months, bill_schedules_fire_due
from bx.billing.tasks import fire_scheduled_bill_runs
from smart360.django.models import JobRun

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 0, 30, tzinfo=UTC)


def fire(today: date = TODAY) -> dict[str, int]:
    return bill_schedules_fire_due(as_of=today, now=NOW)


def runs_of(schedule: BillSchedule) -> list[tuple[date, date, str]]:
    return list(
        BillRun.objects.filter(schedule=schedule)
        .order_by("period_start")
        .values_list("period_start", "period_end", "status")
    )


def test_due_schedule_queues_a_run_for_the_period_just_ended_and_advances():
    schedule = BillScheduleFactory(next_run_on=TODAY)

    assert fire() == {"due": 1, "created": 1}

    assert runs_of(schedule) == [(date(2025, 2, 1), date(2025, 2, 28), BillRun.Status.QUEUED)]
    schedule.refresh_from_db()
    assert schedule.next_run_on == date(2025, 4, 1)
    run = BillRun.objects.get(schedule=schedule)
    assert run.tenant_id == schedule.tenant_id


def test_quarterly_schedule_bills_three_months():
    schedule = BillScheduleFactory(next_run_on=date(2025, 1, 15), period_months=3)

    fire(date(2025, 1, 15))

    assert runs_of(schedule) == [(date(2024, 10, 15), date(2025, 1, 14), BillRun.Status.QUEUED)]
    schedule.refresh_from_db()
    assert schedule.next_run_on == date(2025, 4, 15)


def test_schedule_due_tomorrow_and_inactive_schedules_do_not_fire():
    tomorrow = BillScheduleFactory(next_run_on=date(2025, 3, 2))
    paused = BillScheduleFactory(next_run_on=TODAY, active=False)

    assert fire() == {"due": 0, "created": 0}

    assert runs_of(tomorrow) == runs_of(paused) == []
    assert BillSchedule.objects.get(pk=paused.pk).next_run_on == TODAY


def test_firing_twice_on_the_same_day_changes_nothing_the_second_time():
    schedule = BillScheduleFactory(next_run_on=TODAY)
    fire()
    before = (runs_of(schedule), BillSchedule.objects.get(pk=schedule.pk).next_run_on)

    assert fire() == {"due": 0, "created": 0}
    assert (runs_of(schedule), BillSchedule.objects.get(pk=schedule.pk).next_run_on) == before


def test_refiring_a_period_already_billed_never_creates_a_second_run():
    # E.g. an operator moved next_run_on back, or a run was queued by hand first.
    schedule = BillScheduleFactory(next_run_on=TODAY)
    existing = BillRunFactory(schedule=schedule, period_start=date(2025, 2, 1),
                              period_end=date(2025, 2, 28), status=BillRun.Status.ISSUED)

    assert fire() == {"due": 1, "created": 0}

    assert list(BillRun.objects.filter(schedule=schedule)) == [existing]
    assert BillRun.objects.get(pk=existing.pk).status == BillRun.Status.ISSUED
    assert BillSchedule.objects.get(pk=schedule.pk).next_run_on == date(2025, 4, 1)


def test_a_schedule_behind_catches_up_one_period_per_firing():
    schedule = BillScheduleFactory(next_run_on=date(2025, 1, 1))

    assert fire() == {"due": 1, "created": 1}
    assert fire() == {"due": 1, "created": 1}
    assert fire() == {"due": 1, "created": 1}
    assert fire() == {"due": 0, "created": 0}

    assert [start for start, _, _ in runs_of(schedule)] == [
        date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)
    ]
    assert BillSchedule.objects.get(pk=schedule.pk).next_run_on == date(2025, 4, 1)


def test_every_tenant_fires_and_only_due_schedules_move():
    other = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
    a = BillScheduleFactory(next_run_on=TODAY)
    b = BillScheduleFactory(tenant_id=other, next_run_on=date(2025, 2, 20))
    later = BillScheduleFactory(tenant_id=other, next_run_on=date(2025, 3, 20))

    assert fire() == {"due": 2, "created": 2}

    assert BillRun.objects.get(schedule=b).tenant_id == other
    assert [len(runs_of(s)) for s in (a, b, later)] == [1, 1, 0]
    assert BillSchedule.objects.get(pk=later.pk).next_run_on == date(2025, 3, 20)


def test_firing_is_set_based_whatever_the_number_of_schedules(django_assert_max_num_queries):
    BillScheduleFactory.create_batch(30, next_run_on=TODAY)

    with django_assert_max_num_queries(8) as captured:  # savepoints + 6 statements
        assert fire() == {"due": 30, "created": 30}
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    updates = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert (len(inserts), len(updates)) == (1, 1)


@pytest.mark.parametrize(
    ("kwargs", "constraint"),
    [
        ({"next_run_on": date(2025, 1, 31)}, "bill_schedule_runs_on_day_1_to_28"),
        ({"period_months": 0}, "bill_schedule_period_1_to_12_months"),
        ({"period_months": 13}, "bill_schedule_period_1_to_12_months"),
    ],
)
def test_schedules_that_would_drift_or_make_no_sense_are_refused(kwargs, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        BillScheduleFactory(**kwargs)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 28), 1, date(2025, 2, 28)),
        (date(2025, 11, 1), 2, date(2026, 1, 1)),
        (date(2025, 1, 1), -1, date(2024, 12, 1)),
        (date(2025, 3, 15), -12, date(2024, 3, 15)),
    ],
)
def test_add_months_crosses_year_boundaries(day, months, expected):
    assert add_months(day, months) == expected


def test_task_runs_the_service_and_records_the_job():
    BillScheduleFactory(next_run_on=date(2020, 1, 1))

    result = fire_scheduled_bill_runs.delay(as_of="2025-03-01").get()

    assert result == {"due": 1, "created": 1}
    run = JobRun.objects.get(name="bx.fire_scheduled_bill_runs")
    assert (run.last_status, run.last_result, run.last_as_of) == (JobRun.Status.OK, result, TODAY)
