"""Carry the request id from the publisher into the task, and into every log line it writes."""

from __future__ import annotations

from typing import Any

import structlog
from celery import signals

from smart360 import requestid

HEADER = "request_id"


@signals.before_task_publish.connect
def _stamp_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and requestid.get():
        headers.setdefault(HEADER, requestid.get())


@signals.task_prerun.connect
def _bind_request_id(task: Any = None, task_id: str = "", **_: Any) -> None:
    rid = getattr(task.request, HEADER, None) or requestid.new()
    requestid.set_current(rid)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=rid, task=task.name, task_id=task_id)


@signals.task_postrun.connect
def _unbind(**_: Any) -> None:
    requestid.set_current("")
    structlog.contextvars.clear_contextvars()
