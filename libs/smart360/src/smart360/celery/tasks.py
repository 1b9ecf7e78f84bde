"""Platform tasks: explicit names, limits and late acks; sent on commit or by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import current_app, shared_task
from django.db import transaction


def platform_task(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register a task under an explicit name (`<service>.<verb>`): renames never orphan messages.

    Time limits, acks_late and the queue come from the service's Celery settings.
    """
    if "." not in name:
        raise ValueError(f"task name {name!r} must be '<service>.<what>'")
    return shared_task(name=name, **options)


def dispatch(name: str, *, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None,
             **options: Any) -> Any:
    """Send a task by its name. A task registered in this process is applied through its own
    object (so tests running eagerly run it inline); any other is sent to the broker."""
    task = current_app.tasks.get(name)
    if task is not None:
        return task.apply_async(args=args, kwargs=kwargs, **options)
    return current_app.send_task(name, args=args, kwargs=kwargs, **options)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send a task (the task object, or its name: a service's services.py need not import its
    tasks.py) only once the surrounding transaction has committed, never for a rollback."""
    if isinstance(task, str):
        transaction.on_commit(lambda: dispatch(task, args=list(args), kwargs=kwargs))
    else:
        transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
