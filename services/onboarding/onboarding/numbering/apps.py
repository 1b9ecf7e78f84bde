from django.apps import AppConfig


class NumberingConfig(AppConfig):
    """ID formats: stored in the platform's IdFormat table (smart360.domain), which onboarding
    owns and every other service projects from onboarding.idformat.changed."""

    name = "onboarding.numbering"
    label = "numbering"
