from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "auth.accounts"
    label = "accounts"  # `auth` is django.contrib.auth's label
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auth.accounts.roles import roles_seed  # models are loaded only now

        post_migrate.connect(roles_seed, sender=self, dispatch_uid="auth.roles_seed")
