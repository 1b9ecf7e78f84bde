from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from factories import WorkOrderFactory

from smart360.django.models import JobRun
from wx.workorders.models import WorkOrder
from wx.workorders.services import work_orders_flag_sla_breaches
from wx.workorders.tasks import monitor_work_order_sla

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
S = WorkOrder.Status
OPEN = [S.CREATED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.HOLD, S.REJECTED]


def breached_at(order: WorkOrder) -> datetime | None:
    return WorkOrder.objects.get(pk=order.pk).sla_breached_at


@pytest.mark.parametrize("status", OPEN)
def test_open_order_past_due_is_stamped(status):
    order = WorkOrderFactory(status=status, due_at=NOW - timedelta(minutes=1))

    assert work_orders_flag_sla_breaches(now=NOW) == 1
    assert breached_at(order) == NOW


@pytest.mark.parametrize("status", WorkOrder.FINISHED)
def test_finished_orders_are_never_stamped(status):
    order = WorkOrderFactory(status=status, due_at=NOW - timedelta(days=3))

    assert work_orders_flag_sla_breaches(now=NOW) == 0
    assert breached_at(order) is None


def test_order_due_exactly_now_or_later_is_not_late():
    due_now = WorkOrderFactory(due_at=NOW)
    due_later = WorkOrderFactory(due_at=NOW + timedelta(hours=1))

    assert work_orders_flag_sla_breaches(now=NOW) == 0
    assert breached_at(due_now) is breached_at(due_later) is None


def test_the_first_stamp_is_kept_on_later_sweeps():
    order = WorkOrderFactory(due_at=NOW - timedelta(hours=2))
    work_orders_flag_sla_breaches(now=NOW)
    before = list(WorkOrder.objects.values("sla_breached_at", "updated_at"))

    assert work_orders_flag_sla_breaches(now=NOW + timedelta(minutes=5)) == 0
    assert list(WorkOrder.objects.values("sla_breached_at", "updated_at")) == before
    assert breached_at(order) == NOW


def test_all_tenants_are_swept_in_one_update(django_assert_num_queries):
    other = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
    WorkOrderFactory.create_batch(5, due_at=NOW - timedelta(hours=1))
    WorkOrderFactory.create_batch(5, tenant_id=other, due_at=NOW - timedelta(hours=1))
    on_time = WorkOrderFactory(tenant_id=other, due_at=NOW + timedelta(hours=1))

    with django_assert_num_queries(1):
        assert work_orders_flag_sla_breaches(now=NOW) == 10
    assert breached_at(on_time) is None


def test_task_runs_the_service_and_records_the_job():
    WorkOrderFactory(due_at=datetime(2020, 1, 1, tzinfo=UTC))

    result = monitor_work_order_sla.delay().get()

    assert result == {"breached": 1}
    run = JobRun.objects.get(name="wx.monitor_work_order_sla")
    assert (run.last_status, run.last_result) == (JobRun.Status.OK, result)
