from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "mx.readings"
    label = "readings"
