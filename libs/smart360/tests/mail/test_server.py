"""The development SMTP server is a real server: Django's SMTP backend delivers to it."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.mail import EmailMessage, get_connection

from smart360.mail import inbox, server
from smart360.mail.cli import mail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(tmp_path: Path):
    port = _free_port()
    loop = asyncio.new_event_loop()
    maildir = tmp_path / "mail"

    async def start():
        handler = server.MaildirHandler(maildir)
        return await loop.create_server(lambda: server.SMTP(handler), "127.0.0.1", port)

    srv = loop.run_until_complete(start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield port, maildir
    loop.call_soon_threadsafe(srv.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


def test_django_smtp_backend_delivers_and_the_reader_lists_it(smtp):
    port, maildir = smtp
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
    )
    EmailMessage(
        "Welcome to Smart360", "Verify: https://x.test/verify?token=abc\n",
        "no-reply@smart360.dev", ["ana@example.com"], bcc=["audit@example.com"],
        connection=connection,
    ).send()

    [message] = inbox.messages(maildir)
    assert message.subject == "Welcome to Smart360"
    assert message.sender == "no-reply@smart360.dev"
    assert message.to == ["ana@example.com", "audit@example.com"]
    assert message.links() == ["https://x.test/verify?token=abc"]
    assert inbox.wait_for(to="ANA@example.com", maildir=maildir, timeout=1).path == message.path
    assert not list(maildir.glob(".*.tmp"))

    result = CliRunner().invoke(mail, ["--maildir", str(maildir), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["subject"] == "Welcome to Smart360"
    text = CliRunner().invoke(mail, ["--maildir", str(maildir)]).output
    assert "no-reply@smart360.dev  ->  ana@example.com, audit@example.com  Welcome" in text


def test_wait_for_times_out_when_nothing_arrives(tmp_path):
    with pytest.raises(TimeoutError):
        inbox.wait_for(to="nobody@example.com", maildir=tmp_path, timeout=0.3)


def test_server_module_runs_as_a_process(tmp_path):
    """`python -m smart360.mail.server` starts, accepts a message and stops on SIGTERM."""
    import smtplib
    import subprocess
    import sys
    import time

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "smart360.mail.server", "--port", str(port),
         "--maildir", str(tmp_path)],
        stdout=subprocess.PIPE,
    )
    try:
        for _ in range(50):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
                    client.sendmail("a@x.test", ["b@y.test"], "Subject: hi\r\n\r\nbody\r\n")
                break
            except OSError:
                time.sleep(0.1)
        assert [m.subject for m in inbox.messages(tmp_path)] == ["hi"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
