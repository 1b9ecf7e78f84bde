"""Web metrics: requests by route template and status, queries, and the /<name>/metrics page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch
from prometheus_client import REGISTRY

from smart360.observability.django import UNMATCHED, MetricsMiddleware

pytestmark = pytest.mark.django_db


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_request_is_counted_and_timed_under_its_route_and_status(client):
    labels = {"method": "GET", "route": "demo/api/v1/ping/", "status": "200"}
    before = value("smart360_http_requests_total", **labels)
    timed = value("smart360_http_request_duration_seconds_count", **labels)
    for _ in range(3):
        assert client.get("/demo/api/v1/ping/").status_code == 200
    assert value("smart360_http_requests_total", **labels) == before + 3
    assert value("smart360_http_request_duration_seconds_count", **labels) == timed + 3


def test_the_route_template_is_the_label_never_the_raw_path(client):
    route = "demo/admin/auth/user/<path:object_id>/change/"
    before = value("smart360_http_requests_total", method="GET", route=route, status="302")
    client.get("/demo/admin/auth/user/12345/change/")  # not logged in: a redirect to the login
    client.get("/demo/admin/auth/user/67890/change/")
    assert value("smart360_http_requests_total", method="GET", route=route, status="302") == before + 2
    paths = {s.labels["route"] for m in REGISTRY.collect() for s in m.samples if "route" in s.labels}
    assert not any("12345" in p for p in paths)


def test_paths_that_match_nothing_share_one_series(client):
    before = value("smart360_http_requests_total", method="GET", route=UNMATCHED, status="404")
    client.get("/demo/no/such/thing/1")
    client.get("/demo/no/such/thing/2")
    assert value("smart360_http_requests_total", method="GET", route=UNMATCHED, status="404") == before + 2


def test_probes_are_not_counted(client):
    before = sum(s.value for m in REGISTRY.collect() if m.name == "smart360_http_requests"
                 for s in m.samples if s.name.endswith("_total"))
    assert client.get("/demo/healthz").status_code == 200
    after = sum(s.value for m in REGISTRY.collect() if m.name == "smart360_http_requests"
                for s in m.samples if s.name.endswith("_total"))
    assert after == before


def test_database_queries_are_counted_per_route():
    route = "demo/things/<int:pk>/"

    def view(request):
        request.resolver_match = ResolverMatch(view, (), {"pk": 1}, route=route)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    before = value("smart360_http_db_queries_total", method="GET", route=route)
    MetricsMiddleware(view)(RequestFactory().get("/demo/things/1/"))
    assert value("smart360_http_db_queries_total", method="GET", route=route) == before + 2


def test_the_metrics_page_is_prometheus_text(client):
    client.get("/demo/api/v1/ping/")
    response = client.get("/demo/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'smart360_http_requests_total{method="GET",route="demo/api/v1/ping/",status="200"}' in text
    assert "# TYPE smart360_http_request_duration_seconds histogram" in text


def test_the_metrics_page_refuses_what_came_through_a_proxy(client):
    proxied = client.get("/demo/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 404
    assert proxied["Content-Type"] == "application/problem+json"
    assert b"smart360_" not in proxied.content
    assert client.post("/demo/metrics").status_code == 404
