from __future__ import annotations

from celery.schedules import crontab
from django.core.mail import send_mail as django_send_mail
from django.utils import timezone

from auth.accounts import services
from smart360.celery.tasks import platform_task
from smart360.jobs.schedule import job


@platform_task("auth.send_mail", autoretry_for=(OSError,), retry_backoff=5, max_retries=8,
               expires=24 * 3600)
def send_mail(*, to: str, subject: str, body: str) -> None:
    from django.conf import settings

    django_send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@job(crontab(minute="*/15"))
def expire_one_time_tokens() -> dict[str, int]:
    return services.one_time_tokens_expire(now=timezone.now())
