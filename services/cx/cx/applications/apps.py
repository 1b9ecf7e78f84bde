from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "cx.applications"
    label = "applications"
    default_auto_field = "django.db.models.BigAutoField"
