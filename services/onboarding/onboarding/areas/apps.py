from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "onboarding.areas"
    label = "areas"
    default_auto_field = "django.db.models.BigAutoField"
