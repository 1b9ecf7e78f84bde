from __future__ import annotations

from django.core.mail import send_mail as django_send_mail
from django.utils import timezone

from auth.accounts import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("auth.send_mail", autoretry_for=(OSError,), retry_backoff=5, max_retries=8,
               expires=24 * 3600)
def send_mail(*, to: str, subject: str, body: str) -> None:
    from django.conf import settings

    django_send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@platform_task("auth.expire_one_time_tokens")
@recorded_job("auth.expire_one_time_tokens")
def expire_one_time_tokens() -> dict[str, int]:
    return services.one_time_tokens_expire(now=timezone.now())
