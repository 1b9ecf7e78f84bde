from django.apps import AppConfig


class DomainConfig(AppConfig):
    """Tenant profile, ID formats and number sequences: projected or kept in every service."""

    name = "smart360.domain"
    label = "smart360_domain"
    verbose_name = "Smart360 domain building blocks"
    default_auto_field = "django.db.models.BigAutoField"
