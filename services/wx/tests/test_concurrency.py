"""The same request delivered twice at the same moment (two workers): one work order, one number."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from wx_testkit import feed, requested

from wx.workorders.models import WorkOrder


@pytest.mark.django_db(transaction=True)
def test_parallel_deliveries_of_one_request_make_one_work_order():
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait(timeout=10)
            feed(requested("APP-RACE", "SITE_INSPECTION"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    [order] = WorkOrder.objects.filter(source="APP-RACE")
    assert order.number.endswith("-0001")
