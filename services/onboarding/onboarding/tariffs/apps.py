from django.apps import AppConfig


class TariffsConfig(AppConfig):
    name = "onboarding.tariffs"
    label = "tariffs"
