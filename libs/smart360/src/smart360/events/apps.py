from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class EventsConfig(AppConfig):
    name = "smart360.events"
    label = "smart360_events"
    verbose_name = "Smart360 events (outbox and inbox)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's handlers.py registers its @subscriber functions.
        autodiscover_modules("handlers")
