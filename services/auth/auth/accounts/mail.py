"""auth's own transactional mail (verification, reset, invitation): secrets never leave auth
in events. Sent by auth's worker through Django's SMTP backend (EMAIL_HOST/EMAIL_PORT)."""

from __future__ import annotations

from django.conf import settings

from smart360.celery.tasks import enqueue_on_commit


def link(path: str, token: str) -> str:
    return f"{settings.SMART360_PUBLIC_URL.rstrip('/')}/auth/api/v1/{path}?token={token}"


def send_on_commit(*, to: str, subject: str, body: str) -> None:
    enqueue_on_commit("auth.send_mail", to=to, subject=subject, body=body)


def verification(*, to: str, name: str, token: str) -> None:
    send_on_commit(
        to=to,
        subject="Verify your Smart360 email address",
        body=(f"Hello {name or to},\n\nConfirm your email address to finish signing up:\n"
              f"{link('verify-email/', token)}\n\nThe link is valid for 24 hours.\n"),
    )


def password_reset(*, to: str, token: str) -> None:
    send_on_commit(
        to=to,
        subject="Reset your Smart360 password",
        body=(f"Somebody asked to reset the password of {to}.\nSet a new one (POST the token "
              f"with a new password to /auth/api/v1/password-reset/confirm/):\n"
              f"{link('password-reset/confirm/', token)}\n\nValid for 1 hour. "
              f"If it was not you, ignore this mail.\n"),
    )


def invitation(*, to: str, name: str, token: str) -> None:
    send_on_commit(
        to=to,
        subject="You are invited to Smart360",
        body=(f"Hello {name},\n\nYou have been invited to Smart360. Accept the invitation "
              f"(POST the token and a password to /auth/api/v1/invitations/accept/):\n"
              f"{link('invitations/accept/', token)}\n\nThe invitation expires in 7 days.\n"),
    )
