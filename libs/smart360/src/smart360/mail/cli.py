"""`smart360 mail`: what the development SMTP server received."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import click

from smart360.mail import inbox


@click.command("mail")
@click.option("--maildir", type=click.Path(path_type=Path), default=None,
              help="Folder of the dev SMTP server (default: the local stack's).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--last", type=int, default=50, show_default=True, help="Show the newest N.")
def mail(maildir: Path | None, as_json: bool, last: int) -> None:
    """List the mail the development SMTP server received: time, from, to, subject."""
    if maildir is None and not os.environ.get("SMART360_MAIL_DIR"):
        from smart360.stack.layout import Stack

        maildir = Stack.from_env().mail_dir  # the stack `make up` runs (SMART360_STATE_DIR)
    found = inbox.messages(maildir)[-last:]
    if as_json:
        click.echo(json.dumps([m.as_dict() for m in found], indent=2))
        return
    if not found:
        click.echo(f"(no mail in {maildir or inbox.default_maildir()})")
        return
    for m in found:
        click.echo(f"{m.received_at}  {m.sender}  ->  {', '.join(m.to)}  {m.subject}")


@click.command("sms")
@click.option("--sink", type=click.Path(path_type=Path), default=None,
              help="Folder of notification's SMS/WhatsApp sink (default: the local stack's).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--last", type=int, default=50, show_default=True, help="Show the newest N.")
def sms(sink: Path | None, as_json: bool, last: int) -> None:
    """List the SMS and WhatsApp messages the development sink stored: time, channel, to, text."""
    if sink is None:
        if os.environ.get("NOTIFICATION_SINK_DIR"):
            sink = Path(os.environ["NOTIFICATION_SINK_DIR"])
        else:
            from smart360.stack.layout import Stack

            sink = Stack.from_env().path("sms")  # next to the stack's maildir
    files = sorted(sink.glob("*.json")) if sink.is_dir() else []
    found = [json.loads(p.read_text()) for p in files[-last:]]
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    if not found:
        click.echo(f"(no messages in {sink})")
        return
    for m in found:
        at = datetime.fromtimestamp(m['at'], UTC).isoformat(timespec='seconds')
        click.echo(f"{at}  {m['channel']:9} {m['to']:>16}  {m['body']}")
