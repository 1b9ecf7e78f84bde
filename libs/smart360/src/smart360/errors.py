"""One error type and one handler for the platform: RFC 9457 problem+json, never a bare 500.

Domain code raises ApplicationError (or a subclass); DRF and Django errors are translated here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from smart360 import requestid
from smart360.logging import get_logger

PROBLEM_JSON = "application/problem+json"
log = get_logger(__name__)


class ApplicationError(Exception):
    """A domain rule said no. `code` is stable for clients; `detail` is for humans."""

    status: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    title = "The request cannot be processed"

    def __init__(self, detail: str, *, code: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Bad input found past the serializer (a rule across fields or rows): 400 with field errors.

    `errors` maps a field path (`slabs[1].up_to`) to its message.
    """

    code = "invalid"
    title = "Invalid input"

    def __init__(self, detail: str, *, errors: dict[str, str] | None = None, code: str | None = None):
        listed = [{"field": f, "message": m} for f, m in (errors or {}).items()]
        super().__init__(detail, code=code, extra={"errors": listed} if listed else None)


class PermissionDenied(ApplicationError):
    status = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    title = "Permission denied"


class NotFound(ApplicationError):
    """Absent, or another tenant's: the same answer, so tenants cannot probe each other."""

    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = "Not found"


class Conflict(ApplicationError):
    """The request clashes with the current state: a duplicate, or an illegal transition."""

    status = status.HTTP_409_CONFLICT
    code = "conflict"
    title = "Conflict with the current state"


class IdempotencyKeyReused(ApplicationError):
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
    title = "Idempotency-Key reused with a different request"


def problem(
    status_code: int, title: str, detail: str, code: str, **extra: Any
) -> dict[str, Any]:
    body = {
        "type": f"https://smart360.dev/problems/{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
        **extra,
    }
    if requestid.get():
        body["request_id"] = requestid.get()
    return body


def _join(path: str, key: object) -> str:
    if isinstance(key, int) or str(key).isdigit():  # list items: lines[1].amount
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _field_errors(data: Any, path: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error dicts into [{field, message}] with dotted paths."""
    if isinstance(data, dict):
        return [e for k, v in data.items() for e in _field_errors(v, _join(path, k))]
    if isinstance(data, list):
        if all(not isinstance(i, dict | list) for i in data):
            return [{"field": path or "non_field_errors", "message": str(m)} for m in data]
        return [e for n, v in enumerate(data) for e in _field_errors(v, f"{path}[{n}]")]
    return [{"field": path or "non_field_errors", "message": str(data)}]


def _problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(body, status=body["status"], headers=headers)
    response.content_type = PROBLEM_JSON
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return _problem_response(problem(exc.status, exc.title, exc.detail, exc.code, **exc.extra))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:  # unexpected: log it, answer a problem, never leak a traceback
        log.exception("unhandled_exception", exc_info=exc)
        return _problem_response(
            problem(500, "Internal error", "An unexpected error occurred.", "server_error")
        )
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        body = problem(400, "Invalid input", detail, "invalid", errors=errors)
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        body = problem(response.status_code, str(exc.default_detail), str(exc.detail), str(code))
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return _problem_response(body, headers)


def _django_problem(status_code: int, title: str, detail: str, code: str) -> HttpResponse:
    return JsonResponse(
        problem(status_code, title, detail, code), status=status_code, content_type=PROBLEM_JSON
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _django_problem(404, "Not found", f"No route for {request.path}", "not_found")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _django_problem(400, "Bad request", "The request is malformed.", "bad_request")


def server_error(request: HttpRequest) -> HttpResponse:
    return _django_problem(500, "Internal error", "An unexpected error occurred.", "server_error")
