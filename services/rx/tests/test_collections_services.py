from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from tests.factories import ReceivableFactory

from rx.collections.models import Receivable
from rx.collections.selectors import collection_rate
from rx.collections.services import receivables_refresh_risk
from rx.collections.tasks import refresh_aging
from smart360.django.models import JobRun
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)
R = Receivable.Risk


def refresh() -> int:
    return receivables_refresh_risk(as_of=TODAY)


def risk(receivable: Receivable) -> str:
    return Receivable.objects.get(pk=receivable.pk).risk


@pytest.mark.parametrize(
    ("days_overdue", "expected"),
    [
        (-10, R.LOW),  # not due yet
        (0, R.LOW),
        (30, R.LOW),
        (31, R.MEDIUM),
        (60, R.MEDIUM),
        (61, R.HIGH),
        (90, R.HIGH),
        (91, R.CRITICAL),
        (400, R.CRITICAL),
    ],
)
def test_risk_follows_days_overdue(days_overdue, expected):
    receivable = ReceivableFactory(due_on=TODAY - timedelta(days=days_overdue))

    refresh()

    assert risk(receivable) == expected


def test_a_fully_paid_receivable_is_low_whatever_its_age():
    paid = ReceivableFactory(due_on=TODAY - timedelta(days=200), amount_outstanding=Decimal(0),
                             risk=R.CRITICAL)
    partly_paid = ReceivableFactory(due_on=TODAY - timedelta(days=200),
                                    amount_outstanding=Decimal("0.01"))

    assert refresh() == 2

    assert (risk(paid), risk(partly_paid)) == (R.LOW, R.CRITICAL)


def test_grades_move_down_as_well_as_up():
    # A receivable graded before its due date was moved out (e.g. a payment agreement).
    rescheduled = ReceivableFactory(due_on=TODAY + timedelta(days=20), risk=R.HIGH)

    assert refresh() == 1
    assert risk(rescheduled) == R.LOW


def test_running_twice_changes_nothing_the_second_time():
    for days in (5, 45, 75, 120):
        ReceivableFactory(due_on=TODAY - timedelta(days=days))
    assert refresh() == 3  # the 5-day one was already LOW
    before = list(Receivable.objects.order_by("pk").values("risk", "updated_at"))

    assert refresh() == 0
    assert list(Receivable.objects.order_by("pk").values("risk", "updated_at")) == before


def test_one_update_for_all_tenants(django_assert_num_queries):
    mine = ReceivableFactory.create_batch(10, due_on=TODAY - timedelta(days=95))
    theirs = ReceivableFactory.create_batch(10, tenant_id=OTHER_TENANT,
                                            due_on=TODAY - timedelta(days=35))

    with django_assert_num_queries(1):
        assert refresh() == 20

    assert {risk(r) for r in mine} == {R.CRITICAL}
    assert {risk(r) for r in theirs} == {R.MEDIUM}


def test_outstanding_can_neither_go_negative_nor_exceed_the_bill():
    for outstanding in (Decimal("-0.01"), Decimal("115.01")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReceivableFactory(amount_outstanding=outstanding)


def test_task_runs_the_service_and_records_the_job():
    ReceivableFactory(due_on=date(2020, 1, 1))

    result = refresh_aging.delay(as_of="2025-06-30").get()

    assert result == {"accounts": 0, "receivables": 1, "tenants": 0}
    run = JobRun.objects.get(name="rx.refresh_aging")
    assert (run.last_status, run.last_result) == (JobRun.Status.OK, result)


# --- collection rate --------------------------------------------------------------------------


def test_collection_rate_is_collected_over_billed_for_bills_of_that_month():
    june = date(2025, 6, 1)
    ReceivableFactory(billed_on=june, due_on=june, amount_billed=Decimal("100.00"),
                      amount_outstanding=Decimal("0.00"))
    ReceivableFactory(billed_on=date(2025, 6, 30), due_on=date(2025, 7, 15),
                      amount_billed=Decimal("60.00"), amount_outstanding=Decimal("30.00"))
    # Other months and other tenants do not count.
    ReceivableFactory(billed_on=date(2025, 5, 31), due_on=june, amount_billed=Decimal("500.00"))
    ReceivableFactory(billed_on=date(2025, 7, 1), due_on=date(2025, 7, 1),
                      amount_billed=Decimal("500.00"))
    ReceivableFactory(tenant_id=OTHER_TENANT, billed_on=june, due_on=june,
                      amount_billed=Decimal("500.00"))

    # (100 + 30) / 160 = 0.8125
    assert collection_rate(tenant_id=TENANT, month=date(2025, 6, 17))["rate"] == Decimal("0.8125")


def test_collection_rate_is_none_when_nothing_was_billed():
    ReceivableFactory(tenant_id=OTHER_TENANT, billed_on=date(2025, 6, 3), due_on=TODAY)

    assert collection_rate(tenant_id=TENANT, month=TODAY)["rate"] is None


def test_collection_rate_rounds_half_up_to_four_places():
    ReceivableFactory(billed_on=date(2025, 2, 1), due_on=date(2025, 2, 1),
                      amount_billed=Decimal("3.00"), amount_outstanding=Decimal("1.00"))

    assert collection_rate(tenant_id=TENANT, month=date(2025, 2, 28))["rate"] == Decimal("0.6667")
