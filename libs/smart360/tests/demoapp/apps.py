from django.apps import AppConfig


class DemoAppConfig(AppConfig):
    """A tiny tenant app the library's tests drive the toolkit with."""

    name = "demoapp"
    default_auto_field = "django.db.models.BigAutoField"
