from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "auth.accounts"
    label = "accounts"  # `auth` is django.contrib.auth's label
    default_auto_field = "django.db.models.BigAutoField"
