from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MessagingConfig(AppConfig):
    name = "notification.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The platform's default templates follow the code at every migrate, and come back after
        # a flush (which emits post_migrate too: transactional tests, `manage.py flush`).
        post_migrate.connect(_default_templates, sender=self,
                             dispatch_uid="notification.default_templates")


def _default_templates(using: str = "default", **_: Any) -> None:
    from notification.messaging.defaults import TEMPLATES
    from notification.messaging.models import Template

    for row in TEMPLATES:
        Template.objects.using(using).update_or_create(
            tenant_id=None, event_type=row["event_type"], channel=row["channel"],
            locale=row["locale"], defaults={"subject": row["subject"], "body": row["body"]})
