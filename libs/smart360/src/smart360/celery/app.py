"""The Celery app of the service named by DJANGO_SETTINGS_MODULE.

    celery -A smart360.celery.app worker -Q <queue>      celery -A smart360.celery.app beat

One module for all nine services: the settings module says which service this process is.
Celery's Django fix-up calls django.setup() when a worker or beat starts; web processes import
this module from the platform AppConfig so that tasks they enqueue use this app.
"""

from __future__ import annotations

import os

from celery import Celery
from django.conf import settings

from smart360.celery import signals  # noqa: F401  (request id and heartbeat hooks)
from smart360.celery.config import redbeat_options
from smart360.celery.heartbeat import WorkerHeartbeat
from smart360.conf import service_name

if "DJANGO_SETTINGS_MODULE" not in os.environ:
    raise RuntimeError("DJANGO_SETTINGS_MODULE must name the service's settings module")

app = Celery(service_name())
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(redbeat_options(settings))
app.steps["consumer"].add(WorkerHeartbeat)
app.autodiscover_tasks()
app.autodiscover_tasks(["smart360.celery"], related_name="builtin_tasks")
