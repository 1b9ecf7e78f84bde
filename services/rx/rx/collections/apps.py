from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "rx.collections"
    label = "collections"
