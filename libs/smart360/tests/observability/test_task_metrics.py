"""Task and beat metrics, the /metrics server of workers and beats, and the outbox lag."""

from __future__ import annotations

import datetime as dt
import socket
import warnings

import httpx
import pytest
from django.db import connection
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from smart360.celery.app import app
from smart360.events.lag import OutboxLag
from smart360.events.models import OutboxEvent
from smart360.observability.celery import beat_ticked
from smart360.observability.server import serve_metrics


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@app.task(name="demo.count_queries")
def count_queries(n: int) -> int:
    with connection.cursor() as cursor:
        for _ in range(n):
            cursor.execute("SELECT 1")
    return n


@app.task(name="demo.always_fails")
def always_fails() -> None:
    raise ValueError("no")


@pytest.mark.django_db
def test_tasks_are_counted_by_name_and_state_with_duration_and_queries():
    ok = value("smart360_celery_tasks_total", task="demo.count_queries", state="success")
    runs = value("smart360_celery_task_duration_seconds_count", task="demo.count_queries")
    queries = value("smart360_celery_task_db_queries_total", task="demo.count_queries")
    failed = value("smart360_celery_tasks_total", task="demo.always_fails", state="failure")
    assert count_queries.apply(args=[3]).get() == 3
    always_fails.apply(throw=False)
    assert value("smart360_celery_tasks_total", task="demo.count_queries", state="success") == ok + 1
    assert value("smart360_celery_task_duration_seconds_count", task="demo.count_queries") == runs + 1
    assert value("smart360_celery_task_db_queries_total", task="demo.count_queries") == queries + 3
    assert value("smart360_celery_tasks_total", task="demo.always_fails", state="failure") == failed + 1
    assert not any(w.__class__.__name__ == "QueryCounter" for w in connection.execute_wrappers)


def test_sent_tasks_are_counted_by_name():
    before = value("smart360_celery_tasks_sent_total", task="demo.count_queries")
    # A real message to the test stack's Redis, on a queue nobody consumes; it expires.
    with warnings.catch_warnings():  # the test settings run tasks eagerly; send_task never does
        warnings.simplefilter("ignore")
        app.send_task("demo.count_queries", args=[0], queue="observability-test", expires=5)
    assert value("smart360_celery_tasks_sent_total", task="demo.count_queries") == before + 1


def test_every_beat_tick_is_counted_and_stamped():
    before = value("smart360_beat_ticks_total")
    beat_ticked()
    beat_ticked()
    assert value("smart360_beat_ticks_total") == before + 2
    assert abs(value("smart360_beat_last_tick_timestamp_seconds") - timezone.now().timestamp()) < 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Constant:
    def collect(self):
        yield GaugeMetricFamily("demo_constant", "A constant for the test", value=42)


def test_the_metrics_server_serves_this_process_and_its_extra_collectors():
    port = _free_port()
    server = serve_metrics(port, [_Constant()])
    assert server is not None
    try:
        beat_ticked()
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert "demo_constant 42.0" in page.text
        assert "smart360_beat_ticks_total" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/other", timeout=5).status_code == 404
        assert serve_metrics(port, []) is None  # a second process on the port: logged, not fatal
    finally:
        server.shutdown()
        server.server_close()


def _lag() -> dict[str, float]:
    return {m.name: m.samples[0].value for m in OutboxLag().collect()}


@pytest.mark.django_db(transaction=True)
def test_outbox_lag_counts_unsent_events_and_the_age_of_the_oldest():
    from smart360.observability import metrics

    # the demo service publishes, so its events app registered the collector for /metrics
    assert any(isinstance(c, OutboxLag) for c in metrics.worker_collectors)
    assert _lag() == {"smart360_outbox_pending_events": 0.0,
                      "smart360_outbox_oldest_pending_age_seconds": 0.0}
    # Rows the relay has not sent yet (written directly: publish() would relay them at commit).
    first, _ = (OutboxEvent.objects.create(type="demo.thing.happened", payload={"n": n},
                                           occurred_at=timezone.now()) for n in (1, 2))
    OutboxEvent.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))
    lag = _lag()
    assert lag["smart360_outbox_pending_events"] == 2
    assert 180 <= lag["smart360_outbox_oldest_pending_age_seconds"] < 240
    OutboxEvent.objects.update(sent_at=timezone.now())
    assert _lag()["smart360_outbox_pending_events"] == 0
