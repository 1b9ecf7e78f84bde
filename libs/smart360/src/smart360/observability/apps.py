from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "smart360.observability"
    label = "smart360_observability"
    verbose_name = "Smart360 metrics"

    def ready(self) -> None:
        # Task, worker and beat hooks in every process that sets Django up (web processes
        # publish tasks too); the settings-only beat imports them itself.
        from smart360.observability import celery  # noqa: F401
