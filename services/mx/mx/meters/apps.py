from django.apps import AppConfig


class MetersConfig(AppConfig):
    name = "mx.meters"
    label = "meters"

    def ready(self) -> None:
        from mx.meters import handlers  # noqa: F401  (registers the subscribers)
