"""The request id: one per inbound request, carried to outbound calls and Celery tasks."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
_current: ContextVar[str] = ContextVar("request_id", default="")
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new() -> str:
    return uuid.uuid4().hex


def accept(incoming: str | None) -> str:
    """Keep a well-formed id from the gateway; replace anything else (log injection)."""
    return incoming if incoming and _SAFE.match(incoming) else new()


def get() -> str:
    return _current.get()


def set_current(value: str) -> None:
    _current.set(value)
