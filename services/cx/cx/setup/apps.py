from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "cx.setup"
    label = "setup"
    default_auto_field = "django.db.models.BigAutoField"
