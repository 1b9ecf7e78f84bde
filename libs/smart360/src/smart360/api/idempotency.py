"""Server-side Idempotency-Key for POSTs that create money or work (payments, bill runs, …).

Same key + same request → the stored response (`Idempotent-Replayed: true`), the work done once.
Same key + a different request → 422. Keys are kept 24 hours per tenant.

The key row is inserted in the request's own transaction, before the work: a concurrent request
with the same key waits on the unique index until the first commits, then finds its response
(or, if the first failed and rolled back, does the work itself). An error response stores
nothing, so the client may retry the same key after fixing what was wrong.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from smart360.django.models import IdempotencyKey
from smart360.errors import IdempotencyKeyReused, ValidationFailed
from smart360.jobs.platform import IDEMPOTENCY_TTL

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[A-Za-z0-9._:\-]{1,200}$"
TTL = IDEMPOTENCY_TTL
_VALID_KEY = re.compile(KEY_PATTERN)


def fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(tenant_id: Any, key: str, digest: str) -> bool:
    """Insert the key (or take over an expired one); False when a live one exists."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, key, fingerprint, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, now()) ON CONFLICT (tenant_id, key) DO UPDATE SET "
            "fingerprint = EXCLUDED.fingerprint, status_code = NULL, response = NULL, "
            f"created_at = now() WHERE {table}.created_at < now() - make_interval(secs => %s) "
            "RETURNING id",
            [tenant_id, key, digest, TTL.total_seconds()],
        )
        return cursor.fetchone() is not None


def idempotent(post: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a view's post(): runs after authentication and permissions, so the tenant is known."""

    @functools.wraps(post)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return post(view, request, *args, **kwargs)
        if not _VALID_KEY.match(key):
            raise ValidationFailed(f"{HEADER} must be 1-200 letters, digits or . _ : -",
                                   errors={HEADER: "invalid"})
        tenant = view.tenant_id
        digest = fingerprint(request)
        with transaction.atomic():
            if _claim(tenant, key, digest):
                response = post(view, request, *args, **kwargs)
                stored_rows = IdempotencyKey.objects.filter(tenant_id=tenant, key=key)
                if response.status_code < 400:
                    stored_rows.update(status_code=response.status_code, response=response.data)
                else:  # a refusal is not remembered: the client may fix it and retry the key
                    stored_rows.delete()
                return response
            stored = IdempotencyKey.objects.get(tenant_id=tenant, key=key)
        if stored.fingerprint != digest:
            raise IdempotencyKeyReused(
                f"{HEADER} {key!r} was used for a different request in the last 24 hours; "
                "use a new key for a new request.")
        return Response(stored.response, status=stored.status_code or 200,
                        headers={"Idempotent-Replayed": "true"})

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper
