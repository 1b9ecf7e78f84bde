"""Request metrics by route template, and /<name>/metrics for the scraper of this instance;
a server span per request when tracing is on.

MetricsMiddleware is placed right after the health-check middleware: probes are not counted (a
load balancer sends one a second), and the metrics page needs no host check, session or
authentication. TracingMiddleware comes after the request id is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse

from smart360 import requestid
from smart360.conf import service_name
from smart360.observability import metrics, tracing
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


class TracingMiddleware:
    """The server span of a request: a child of the caller's `traceparent` header if it has one
    (another service's ServiceClient), named by method and route template, with the status, the
    tenant and the request id. Tracing off: Django drops this middleware at start-up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not tracing.enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not tracing.enabled():  # turned off after start-up (tests)
            return self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        with tracing.span(f"{method} {request.path_info}", kind="server",
                          parent=request.headers.get("traceparent", ""),
                          attributes={"http.request.method": method, "url.path": request.path_info,
                                      tracing.REQUEST_ID: requestid.get() or None}) as current:
            response = self.get_response(request)
            route = route_of(request)
            current.update_name(f"{method} {route}")
            tenant = structlog.contextvars.get_contextvars().get("tenant")  # bound by authentication
            tracing.set_attributes(current, {"http.route": route,
                                             "http.response.status_code": response.status_code,
                                             tracing.TENANT: tenant or None})
            if response.status_code >= 500:
                tracing.mark_error(current, f"HTTP {response.status_code}")
            return response
