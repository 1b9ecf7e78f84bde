from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "onboarding.calendar"
    label = "utility_calendar"
    default_auto_field = "django.db.models.BigAutoField"
