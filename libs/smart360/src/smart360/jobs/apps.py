from typing import Any

from celery import signals
from django.apps import AppConfig
from django.db.models.signals import post_migrate

from smart360.conf import service_name
from smart360.logging import get_logger
from smart360.registry import load


class JobsConfig(AppConfig):
    """The platform's own jobs, the `jobs` management command, and the schedule written to
    Redis for the beat (JobRun is the platform app's model)."""

    name = "smart360.jobs"
    label = "smart360_jobs"
    verbose_name = "Smart360 scheduled jobs"

    def ready(self) -> None:
        from smart360.jobs import platform  # noqa: F401  (registers the housekeeping jobs)

        post_migrate.connect(_publish_after_migrate, sender=self,
                             dispatch_uid="smart360.jobs.publish")
        signals.worker_ready.connect(_publish_on_worker_start, weak=False,
                                     dispatch_uid="smart360.jobs.publish")


def _publish(app: Any) -> None:
    from smart360.jobs.publish import publish_schedule  # models: only once apps are loaded

    try:
        publish_schedule(app, load().service(service_name()))
    except Exception as exc:  # Redis away: the next worker start or migrate publishes
        get_logger(__name__).warning("schedule_not_published", error=f"{type(exc).__name__}: {exc}")


def _publish_after_migrate(**_: Any) -> None:
    from smart360.celery.app import app

    _publish(app)


def _publish_on_worker_start(sender: Any = None, **_: Any) -> None:
    _publish(sender.app)
    # Redis may lose the entries (a restart without persistence, an ElastiCache failover): every
    # running worker checks for them, and the first to see them gone writes them back.
    sender.timer.call_repeatedly(RECHECK_SECONDS, _republish_if_lost, (sender.app,))


RECHECK_SECONDS = 30


def _republish_if_lost(app: Any) -> None:
    from redbeat.schedulers import ensure_conf, get_redis

    from smart360.jobs.publish import published_key

    try:
        ensure_conf(app)
        if get_redis(app).exists(published_key(app)):
            return
    except Exception:  # Redis still away: the next check tries again
        return
    _publish(app)
