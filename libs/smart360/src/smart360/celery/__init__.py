"""Celery foundations: one app per service, its own queue, tasks that are safe to retry."""

from smart360.celery.tasks import platform_task

__all__ = ["platform_task"]
