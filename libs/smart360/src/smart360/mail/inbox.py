"""Read what the development SMTP server received (tests, `smart360 mail`, demo seeding)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Mail:
    path: str
    received_at: str
    sender: str
    to: list[str]
    subject: str
    body: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s\"'<>]+", self.body)


def default_maildir() -> Path:
    return Path(os.environ.get("SMART360_MAIL_DIR", ".state/mail"))


def read(path: Path) -> Mail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = body_part.get_content() if body_part is not None else ""
    recipients = str(message.get("X-Envelope-To") or message.get("To") or "")
    stamp = int(path.name.split("-", 1)[0]) / 1e9
    return Mail(
        path=str(path),
        received_at=datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds"),
        sender=str(message.get("From", "")),
        to=[r.strip() for r in recipients.split(",") if r.strip()],
        subject=str(message.get("Subject", "")),
        body=str(body),
    )


def messages(maildir: Path | None = None) -> list[Mail]:
    """Every message, oldest first."""
    folder = maildir or default_maildir()
    if not folder.is_dir():
        return []
    return [read(p) for p in sorted(folder.glob("*.eml"))]


def wait_for(
    *, to: str, subject_contains: str = "", maildir: Path | None = None, timeout: float = 30.0
) -> Mail:
    """The newest message to `to` (and with that subject text), waiting up to `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            m for m in messages(maildir)
            if to.lower() in (r.lower() for r in m.to) and subject_contains in m.subject
        ]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no mail to {to} with {subject_contains!r} within {timeout}s")
        time.sleep(0.2)
