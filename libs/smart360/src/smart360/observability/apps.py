from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "smart360.observability"
    label = "smart360_observability"
    verbose_name = "Smart360 metrics and traces"

    def ready(self) -> None:
        # Task, worker and beat hooks in every process that sets Django up (web processes
        # publish tasks too); the settings-only beat imports them itself.
        from django.conf import settings

        from smart360.conf import service_name
        from smart360.observability import celery, tracing  # noqa: F401  (celery: its hooks)

        # Off unless SMART360_TRACES says where spans go; the settings-only beat is not traced
        # (it only sends messages: a scheduled task's run is the root of its trace).
        tracing.setup_from_env(service_name(), str(getattr(settings, "SMART360_ROLE", "")))
