from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "onboarding.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
