"""The relay's beat sweep, added to every publishing service's schedule by the library."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from smart360.registry import Service


def relay_task_name(service: str) -> str:
    return f"{service}.relay_outbox"


def relay_schedule(svc: Service) -> dict[str, Any]:
    """Every minute: send whatever the on-commit trigger missed (broker down, lost message)."""
    if not svc.publishes:
        return {}
    name = relay_task_name(svc.name)
    return {name: {"task": name, "schedule": crontab(), "options": {"expires": 50}}}
