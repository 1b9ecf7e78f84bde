"""The one decorator for platform tasks: explicit name, limits and late acks, on commit only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import transaction


def platform_task(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register a task under an explicit name (`<service>.<verb>`): renames never orphan messages.

    Time limits, acks_late and the queue come from the service's Celery settings.
    """
    if "." not in name:
        raise ValueError(f"task name {name!r} must be '<service>.<what>'")
    return shared_task(name=name, **options)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send a task only once the surrounding transaction has committed (never for a rollback)."""
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
