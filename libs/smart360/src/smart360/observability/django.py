"""Request metrics by route template, and /<name>/metrics for the scraper of this instance.

Placed right after the health-check middleware: probes are not counted (a load balancer sends
one a second), and the metrics page needs no host check, session or authentication.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

from smart360.conf import service_name
from smart360.observability import metrics
from smart360.observability.queries import QueryCounter

UNMATCHED = "<unmatched>"  # 404s share one series: arbitrary paths must not create new ones
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NOT_FOUND = ('{"type":"https://smart360.dev/problems/not_found","title":"Not found",'
             '"status":404,"detail":"Metrics are served to the scraper of each instance, '
             'never through a proxy","code":"not_found"}')


def route_of(request: HttpRequest) -> str:
    """The URL pattern that matched ("cx/api/v1/consumers/<uuid:pk>/"), never the raw path."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else UNMATCHED


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.metrics_path = f"/{service_name()}/metrics"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == self.metrics_path:
            return self.serve(request)
        started = time.perf_counter()
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        route, status = route_of(request), str(response.status_code)
        metrics.HTTP_REQUESTS.labels(method, route, status).inc()
        metrics.HTTP_LATENCY.labels(method, route, status).observe(time.perf_counter() - started)
        if queries.count:
            metrics.HTTP_QUERIES.labels(method, route).inc(queries.count)
        return response

    def serve(self, request: HttpRequest) -> HttpResponse:
        # Through the gateway or the ALB a request carries X-Forwarded-For: refuse it there.
        if request.method not in ("GET", "HEAD") or "HTTP_X_FORWARDED_FOR" in request.META:
            return HttpResponse(NOT_FOUND, status=404, content_type="application/problem+json")
        return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
