"""Email over real SMTP (the stack's dev server): one connection per batch, plain ASCII mail
written directly, anything else through Django's MIME classes."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from tests.conftest import consumer, send

from notification.messaging.models import Delivery
from smart360.mail import inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_server(settings, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    maildir = tmp_path / "mail"
    server = subprocess.Popen([sys.executable, "-m", "smart360.mail.server", "--host",
                               "127.0.0.1", "--port", str(port), "--maildir", str(maildir)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    server.stdout.readline()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield maildir
    server.terminate()
    server.wait(timeout=10)


def test_welcome_mails_reach_the_smtp_server_in_ascii_and_not(smtp_server):
    send(consumer(1, name="Rita"), consumer(2, name="José", locale="es"),
         consumer(3, name="Ann"))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"SENT"}
    mails = {m.to[0]: m for m in _wait(smtp_server, 3)}
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


def _wait(maildir, count):
    import time

    for _ in range(100):
        found = inbox.messages(maildir)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{len(inbox.messages(maildir))} of {count} mails arrived")
