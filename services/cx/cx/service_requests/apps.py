from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "cx.service_requests"
    label = "service_requests"
    default_auto_field = "django.db.models.BigAutoField"
