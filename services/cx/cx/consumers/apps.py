from django.apps import AppConfig


class ConsumersConfig(AppConfig):
    name = "cx.consumers"
    label = "consumers"
