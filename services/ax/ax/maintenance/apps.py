from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "ax.maintenance"
    label = "maintenance"
    default_auto_field = "django.db.models.BigAutoField"
