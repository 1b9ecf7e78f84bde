"""Footprint, Flower and metrics on the running stack (`up --with-metrics`, see conftest)."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from smart360.stack import memory, prometheus, status
from smart360.stack.configs import FLOWER_USER
from smart360.stack.system import wait_until

pytestmark = pytest.mark.e2e


def test_every_process_is_healthy_and_the_stack_is_within_its_memory_budget(stack):
    rows = status.collect(stack.stack)
    assert rows
    assert all(r.healthy for r in rows), [r for r in rows if not r.healthy]
    used = memory.usage(stack.stack)
    budget = stack.stack.registry.local.memory_budget_mb
    print(f"memory {used}")  # the numbers, for the log; bench/footprint.py records them
    assert used["total"] <= budget, used


def test_flower_is_behind_the_gateway_and_asks_for_the_ops_password(stack):
    url = f"{stack.gateway_url}/flower/"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, auth=(FLOWER_USER, "wrong"), timeout=10).status_code == 401
    auth = (FLOWER_USER, stack.stack.secrets["flower"])
    assert httpx.get(url, auth=auth, timeout=10).status_code == 200
    expected = {f"{name}@" for name in stack.stack.registry.services}

    def sees_every_worker() -> bool:
        reply = httpx.get(f"{url}api/workers", params={"refresh": "1"}, auth=auth, timeout=15)
        names = {w.split("@")[0] + "@" for w in reply.json()}
        return reply.status_code == 200 and expected <= names

    wait_until(sees_every_worker, 30, "Flower to list every service's worker", interval=2)


def _samples(url: str, name: str, **labels: str) -> float:
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200, page.text
    total = 0.0
    for family in text_string_to_metric_families(page.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def _cx_requests(stack, route: str) -> float:
    svc = stack.stack.registry.service("cx")
    return sum(_samples(f"http://127.0.0.1:{stack.stack.web_port(svc, i)}/cx/metrics",
                        "smart360_http_requests_total", method="GET", route=route, status="200")
               for i in range(stack.stack.registry.local.web_instances))


def test_cx_metrics_count_the_requests_made_through_the_gateway(stack):
    route = "cx/api/v1/ping/"
    before = _cx_requests(stack, route)
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as http:
        for _ in range(25):
            assert http.get("/cx/api/v1/ping/").status_code == 200
    assert _cx_requests(stack, route) == before + 25  # summed over both instances


def test_metrics_are_never_served_through_the_gateway(stack):
    for path in ("/cx/metrics", "/cx/metrics/", "/flower/metrics"):
        response = httpx.get(f"{stack.gateway_url}{path}", timeout=10)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    svc = stack.stack.registry.service("cx")
    direct = f"http://127.0.0.1:{stack.stack.web_port(svc, 0)}/cx/metrics"
    assert httpx.get(direct, headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10).status_code == 404


def test_workers_count_their_tasks_and_beats_their_ticks(stack):
    registry = stack.stack.registry
    svc = registry.service("cx")
    worker = f"http://127.0.0.1:{registry.local.metrics_port(svc, 'worker')}/metrics"
    beat = f"http://127.0.0.1:{registry.local.metrics_port(svc, 'beat')}/metrics"
    done = _samples(worker, "smart360_celery_tasks_total", task="smart360.ping", state="success")
    ticks = _samples(beat, "smart360_beat_ticks_total")
    app = stack.celery("cx")
    for result in [app.send_task("smart360.ping", queue=svc.queue, expires=60) for _ in range(3)]:
        result.get(timeout=30)
    time.sleep(6)  # at least one more beat tick
    assert _samples(worker, "smart360_celery_tasks_total", task="smart360.ping",
                    state="success") == done + 3
    assert _samples(worker, "smart360_celery_task_duration_seconds_count", task="smart360.ping") >= 3
    assert _samples(worker, "smart360_outbox_pending_events") >= 0  # cx publishes: lag is there
    assert "smart360_outbox_oldest_pending_age_seconds" in httpx.get(worker, timeout=10).text
    assert _samples(beat, "smart360_beat_ticks_total") > ticks


def test_prometheus_scrapes_every_process_and_all_targets_are_up(stack):
    assert stack.stack.with_metrics
    registry = stack.stack.registry
    expected = len(registry.services) * (registry.local.web_instances + 2) + 3  # flower, haproxy, itself

    def all_up() -> bool:
        found = prometheus.targets(stack.stack)
        return len(found) == expected and all(t["health"] == "up" for t in found)

    wait_until(all_up, 60, "every Prometheus target to be up", interval=2)
    query = httpx.get(f"http://127.0.0.1:{stack.stack.port('prometheus')}/api/v1/query",
                      params={"query": 'sum(smart360_http_requests_total{service="cx"})'}, timeout=10)
    assert query.json()["data"]["result"], query.text  # request counts reached Prometheus
