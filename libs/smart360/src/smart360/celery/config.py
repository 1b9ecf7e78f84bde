"""Celery settings for one service, derived from the registry (Django's CELERY_* namespace)."""

from __future__ import annotations

from typing import Any

from kombu import Queue

from smart360 import env
from smart360.registry import Service

BEAT_MAX_LOOP_SECONDS = 5  # a beat ticks (and refreshes its heartbeat and lock) this often


def redbeat_options(settings: Any) -> dict[str, Any]:
    """RedBeat looks its settings up by their bare names, which the CELERY_ namespace hides."""
    return {name.removeprefix("CELERY_").lower(): getattr(settings, name)
            for name in dir(settings) if name.startswith("CELERY_REDBEAT_")}


def celery_settings(svc: Service) -> dict[str, Any]:
    redis_url = env.redis_url()
    worker = svc.worker()
    return {
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_RESULT_EXPIRES": 3600,
        "CELERY_TASK_IGNORE_RESULT": True,  # tasks that need a result say so
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_TIMEZONE": "UTC",
        "CELERY_ENABLE_UTC": True,
        "CELERY_TASK_DEFAULT_QUEUE": svc.queue,
        "CELERY_TASK_QUEUES": [Queue(q) for q in svc.queues],
        "CELERY_TASK_CREATE_MISSING_QUEUES": True,  # events are sent to subscribers' queues
        # Work must not be lost: ack after the task ran; a killed child puts it back.
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_SOFT_TIME_LIMIT": worker.soft_time_limit_seconds,
        "CELERY_TASK_TIME_LIMIT": worker.time_limit_seconds,
        "CELERY_WORKER_CONCURRENCY": env.integer("CELERY_CONCURRENCY", worker.concurrency),
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        "CELERY_WORKER_SEND_TASK_EVENTS": False,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        # An unacked message comes back after this; longer than any task may run.
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 4 * worker.time_limit_seconds},
        # Entries come from the service's @job declarations, written to Redis by its workers.
        "CELERY_BEAT_SCHEDULER": "smart360.celery.beat:Scheduler",
        "CELERY_BEAT_MAX_LOOP_INTERVAL": BEAT_MAX_LOOP_SECONDS,
        "CELERY_REDBEAT_REDIS_URL": redis_url,
        "CELERY_REDBEAT_REDIS_OPTIONS": {"socket_timeout": 5, "retry_period": 30},
        "CELERY_REDBEAT_KEY_PREFIX": f"redbeat:{svc.name}:",
        "CELERY_REDBEAT_LOCK_KEY": f"redbeat:{svc.name}::lock",
        "CELERY_REDBEAT_LOCK_TIMEOUT": BEAT_MAX_LOOP_SECONDS * 5,
    }
