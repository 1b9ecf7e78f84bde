"""Request-level middleware: health probes and the request context (id, service, role)."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse, JsonResponse

from smart360 import requestid
from smart360.conf import service_name
from smart360.django import health


class HealthCheckMiddleware:
    """Answer /<prefix>healthz and /<prefix>readyz before host validation, sessions or auth.

    Load balancers (ALB, HAProxy) probe with an IP or no Host header at all; a probe must not
    depend on ALLOWED_HOSTS, and liveness must not touch the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        prefix = f"/{service_name()}/"
        self.routes = {
            f"{prefix}healthz": health.liveness,
            f"{prefix}readyz": health.readiness,
            "/healthz": health.liveness,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.routes.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            status, body = probe()
            return JsonResponse(body, status=status)
        return self.get_response(request)


class RequestContextMiddleware:
    """Bind the request id to logs and outbound calls; echo it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = requestid.accept(request.headers.get(requestid.HEADER))
        requestid.set_current(rid)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        response = self.get_response(request)
        response[requestid.HEADER] = rid
        return response
