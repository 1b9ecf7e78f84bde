"""`smart360 mail`: what the development SMTP server received."""

from __future__ import annotations

import json
import os
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
