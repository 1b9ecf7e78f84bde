from django.apps import AppConfig


class CoversConfig(AppConfig):
    name = "ax.covers"
    label = "covers"
    default_auto_field = "django.db.models.BigAutoField"
