"""The beat's Celery app: the service's settings and schedule, without Django's app registry.

    celery -A smart360.celery.beat_app beat

A beat only reads its schedule (settings: the service's schedules.py plus the relay sweep) and
sends task messages by name; it never runs a task nor touches a model. `smart360.celery.app`
would, through Celery's Django fix-up, run django.setup() and the system checks (every app,
the admin, the URLconf) and import every task module: ~85 MB per beat where this app needs
~30 MB (bench/README.md). Same broker, same RedBeat lock and keys, same heartbeat, same JSON
logs, same request id on what it sends.
"""

from __future__ import annotations

import logging.config
import os
from typing import Any

from celery import Celery, signals
from django.conf import settings

from smart360.celery import signals as _request_ids  # noqa: F401  (stamps what beat sends)
from smart360.celery.config import redbeat_options
from smart360.conf import service_name
from smart360.observability import celery as _metrics  # noqa: F401  (ticks, sent tasks, /metrics)

if "DJANGO_SETTINGS_MODULE" not in os.environ:
    raise RuntimeError("DJANGO_SETTINGS_MODULE must name the service's settings module")

# fixups=[]: no Django fix-up, so no django.setup(), no checks, no task modules.
app = Celery(service_name(), fixups=[])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(redbeat_options(settings))


@signals.setup_logging.connect
def _json_logs(**_: Any) -> None:
    """The service's LOGGING (structlog JSON), as django.setup() would have configured it."""
    logging.config.dictConfig(settings.LOGGING)
