"""Email over real SMTP (the stack's dev server): one connection per batch, plain ASCII mail
written directly, anything else through Django's MIME classes."""

from __future__ import annotations

import socket

import pytest
from tests.conftest import consumer, mails_in, send

from notification.messaging.models import Delivery

pytestmark = pytest.mark.django_db


def test_welcome_mails_reach_the_smtp_server_in_ascii_and_not(smtp_server):
    send(consumer(1, name="Rita"), consumer(2, name="José", locale="es"),
         consumer(3, name="Ann"))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"SENT"}
    mails = {m.to[0]: m for m in mails_in(smtp_server, 3)}
    assert mails["rita1@example.com"].subject == "Your consumer number, Rita"
    assert "CUST-1" in mails["rita1@example.com"].body
    assert mails["rita2@example.com"].subject == "Su número de cliente, José"
    assert "número de cliente es CUST-2" in mails["rita2@example.com"].body


def test_smtp_down_is_a_transient_failure(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed
    send(consumer(1))
    delivery = Delivery.objects.get()
    assert delivery.status == "FAILED"
    assert delivery.last_error.startswith("transient:")
