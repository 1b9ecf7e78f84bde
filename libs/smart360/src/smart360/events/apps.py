from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from smart360.conf import service_name
from smart360.observability import metrics
from smart360.registry import load


class EventsConfig(AppConfig):
    name = "smart360.events"
    label = "smart360_events"
    verbose_name = "Smart360 events (outbox and inbox)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The relay and delivery tasks exist in every process (web processes send them by name),
        # and each app's handlers.py registers its @subscriber functions.
        from smart360.events import tasks  # noqa: F401
        from smart360.events.lag import OutboxLag

        autodiscover_modules("handlers")
        if load().service(service_name()).publishes:
            metrics.worker_collectors.append(OutboxLag())
