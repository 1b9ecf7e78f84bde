from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "smart360.django"
    label = "smart360"
    verbose_name = "Smart360 platform"

    def ready(self) -> None:
        # Bind shared tasks to this service's Celery app in every process type.
        from smart360.celery import app  # noqa: F401
