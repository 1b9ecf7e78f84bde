from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "ax.assets"
    label = "assets"
