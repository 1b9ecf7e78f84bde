"""Liveness and readiness probes.

Liveness says the process answers. Readiness says it can do its job: the database answers
through PgBouncer and Redis (broker and cache) answers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection

from smart360.conf import service_name
from smart360.logging import get_logger
from smart360.redis import redis_client

log = get_logger(__name__)


def liveness() -> tuple[int, dict[str, Any]]:
    return 200, {"status": "ok", "service": service_name()}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    redis_client().ping()
    return "ok"


def readiness() -> tuple[int, dict[str, Any]]:
    checks: dict[str, str] = {}
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            checks[name] = check()
        except Exception as exc:  # a probe reports, it never raises
            # The probe is public: outside DEBUG it names the failing dependency only (host
            # names and driver messages go to the log).
            log.warning("readiness_failed", check=name, error=f"{type(exc).__name__}: {exc}")
            checks[name] = (f"error: {type(exc).__name__}: {exc}"[:300] if settings.DEBUG
                            else "unavailable")
    ok = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if ok else "unavailable", "service": service_name()}
    return (200 if ok else 503), {**body, "checks": checks}
