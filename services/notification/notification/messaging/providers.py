"""One interface for every channel's provider: send, status callback, rate limit, retry policy.

    provider = provider_for("email")
    with provider.session():                 # one SMTP connection for a whole batch
        ref = provider.send(outgoing)        # the provider's message id, or ProviderError

A ProviderError says how to retry (its `kind`): TRANSIENT (network, 4xx) and THROTTLED back off
exponentially with jitter, PERMANENT (a refused address) goes to the dead letters at once.
Providers are chosen per channel by settings (NOTIFICATION_PROVIDERS); the local ones are the
dev SMTP server for mail and a sink folder (`smart360 sms`) for SMS and WhatsApp.
"""

from __future__ import annotations

import base64
import json
import random
import smtplib
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from smart360.logging import get_logger

log = get_logger(__name__)

TRANSIENT = "transient"
THROTTLED = "throttled"
PERMANENT = "permanent"


class ProviderError(Exception):
    def __init__(self, message: str, *, kind: str = TRANSIENT) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Attachment:
    """A document a mail carries (the bill's PDF)."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class Outgoing:
    """One message as a provider sees it."""

    delivery_id: int
    tenant_id: uuid.UUID
    channel: str
    recipient: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()  # email only; the other channels carry the link


@dataclass(frozen=True)
class StatusUpdate:
    """What a provider's status callback says about one message."""

    provider_message_id: str
    status: str  # DELIVERED or FAILED
    detail: str = ""


class Provider:
    """The interface. Subclasses set `name`/`channel` and implement `send`."""

    name: ClassVar[str] = ""
    channel: ClassVar[str] = ""
    max_attempts: ClassVar[int] = 5
    # Base wait before the next attempt, per error class; doubles per attempt, capped, jittered.
    backoff: ClassVar[dict[str, timedelta]] = {TRANSIENT: timedelta(seconds=30),
                                               THROTTLED: timedelta(minutes=1)}
    backoff_cap: ClassVar[timedelta] = timedelta(hours=1)

    @property
    def connections(self) -> int:
        """Parallel sessions one send batch may use (1 = one after the other)."""
        return 1

    @property
    def rate_per_second(self) -> int:
        """Messages per second this provider accepts (0 = no limit); settings may override."""
        limits: dict[str, int] = getattr(settings, "NOTIFICATION_RATE_LIMITS", {})
        return int(limits.get(self.name, 0))

    @contextmanager
    def session(self) -> Iterator[Provider]:
        """Open what a batch shares (a connection); close it at the end."""
        yield self

    def send(self, message: Outgoing) -> str:
        raise NotImplementedError

    def status_update(self, payload: dict[str, Any]) -> StatusUpdate:
        """Read a status callback's body: {"message_id": ..., "status": "delivered"|"failed"}."""
        status = str(payload.get("status", "")).upper()
        if status not in ("DELIVERED", "FAILED"):
            raise ValueError("status must be delivered or failed")
        return StatusUpdate(str(payload.get("message_id", "")), status,
                            str(payload.get("detail", ""))[:500])

    def retry_delay(self, *, attempts: int, kind: str, rng: random.Random | None = None
                    ) -> timedelta:
        """Exponential backoff with jitter: base * 2^(attempts-1), capped, then a random point
        in [half, full] of it (equal jitter), so retries of one outage spread out."""
        base = self.backoff.get(kind, self.backoff[TRANSIENT])
        full = min(self.backoff_cap, base * 2 ** max(attempts - 1, 0))
        return full * (0.5 + 0.5 * (rng or random).random())


class EmailProvider(Provider):
    """SMTP through Django's mail backend: the local dev server, any SMTP relay or Amazon SES's
    SMTP interface (EMAIL_HOST/PORT/USER/PASSWORD/USE_TLS). One connection per batch."""

    name = "smtp"
    channel = "email"

    def __init__(self) -> None:
        self._connection: Any = None

    @property
    def connections(self) -> int:
        return int(getattr(settings, "NOTIFICATION_SMTP_CONNECTIONS", 1))

    @contextmanager
    def session(self) -> Iterator[Provider]:
        self._connection = get_connection(fail_silently=False)
        try:
            self._open()
            yield self
        finally:
            try:
                self._connection.close()
            except Exception:
                log.info("smtp_close_failed")
            self._connection = None

    def _open(self) -> None:
        """Connect now, without Nagle's delay: SMTP is many small request/replies per message
        (measured 1.8x more messages/s on one connection to the dev server)."""
        try:
            self._connection.open()
        except (smtplib.SMTPException, OSError):
            return  # the first send reconnects and reports the error per message
        smtp = getattr(self._connection, "connection", None)
        sock = getattr(smtp, "sock", None)
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, message: Outgoing) -> str:
        if getattr(self._connection, "connection", True) is None:
            self._open()
        message_id = make_msgid(domain="smart360.dev")
        smtp = getattr(self._connection, "connection", None)
        raw = _plain_ascii(message, message_id) if isinstance(smtp, smtplib.SMTP) else None
        if raw is not None:  # the common case, without building a MIME tree (5x cheaper)
            try:
                smtp.sendmail(_envelope_from(), [message.recipient], raw)  # type: ignore[union-attr]
            except smtplib.SMTPResponseException as exc:
                raise _classified(exc) from exc
            except smtplib.SMTPRecipientsRefused as exc:
                raise ProviderError(f"recipient refused: {exc.recipients!r}",
                                    kind=PERMANENT) from exc
            except (TimeoutError, smtplib.SMTPException, OSError) as exc:
                self._reconnect()
                raise ProviderError(f"{type(exc).__name__}: {exc}", kind=TRANSIENT) from exc
            return message_id
        mail = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                            [message.recipient], headers={"Message-ID": message_id,
                                                          **message.headers},
                            connection=self._connection)
        for doc in message.attachments:
            mail.attach(doc.filename, doc.content, doc.mimetype)
        try:
            mail.send()
        except smtplib.SMTPResponseException as exc:
            raise _classified(exc) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise ProviderError(f"recipient refused: {exc.recipients!r}", kind=PERMANENT) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self._reconnect()
            raise ProviderError(f"{type(exc).__name__}: {exc}", kind=TRANSIENT) from exc
        return message_id

    def _reconnect(self) -> None:
        """After a broken connection the next message of the batch opens a fresh one."""
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                log.info("smtp_close_failed")


def _classified(exc: smtplib.SMTPResponseException) -> ProviderError:
    code = exc.smtp_code
    if code in (421, 450, 451, 452):
        return ProviderError(f"SMTP {code}: {exc.smtp_error!r}", kind=THROTTLED)
    kind = PERMANENT if 500 <= code < 600 else TRANSIENT
    return ProviderError(f"SMTP {code}: {exc.smtp_error!r}", kind=kind)


def _envelope_from() -> str:
    return _address_of(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=8)
def _address_of(sender: str) -> str:
    return parseaddr(sender)[1]  # parsed once, not per message


_TEXT_PART = 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n'


def _plain_ascii(message: Outgoing, message_id: str) -> bytes | None:
    """The message as SMTP bytes when it is plain ASCII text with short lines (what Django's
    MIME classes would produce for it, without building them), its attachments as base64
    parts of a multipart/mixed; None means: use those classes."""
    headers = {"From": settings.DEFAULT_FROM_EMAIL, "To": message.recipient,
               "Subject": message.subject, **message.headers}
    names = [a.filename + a.mimetype for a in message.attachments]
    text = "".join(headers.values()) + message.body + "".join(names)
    if not text.isascii() or "\r" in text or any(
            "\n" in v for v in [*headers.values(), *names]) or any('"' in n for n in names):
        return None
    lines = message.body.split("\n")
    if any(len(line) > 900 for line in lines):
        return None
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Date: {formatdate(localtime=False)}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
    body = "\r\n".join(lines)
    if not message.attachments:
        return (f"{head}{_TEXT_PART}\r\n{body}").encode("ascii")
    # "=_" cannot occur in base64; a clash with the text is a 128-bit chance.
    boundary = f"=_{uuid.uuid4().hex}"
    parts = [f"{_TEXT_PART}\r\n{body}"]
    for doc in message.attachments:
        encoded = base64.encodebytes(doc.content).decode("ascii").rstrip().replace("\n", "\r\n")
        parts.append(f"Content-Type: {doc.mimetype}\r\nContent-Transfer-Encoding: base64\r\n"
                     f'Content-Disposition: attachment; filename="{doc.filename}"\r\n\r\n'
                     f"{encoded}")
    return (f'{head}Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            + "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
            + f"--{boundary}--\r\n").encode("ascii")


def sink_dir() -> Path:
    return Path(settings.NOTIFICATION_SINK_DIR)


class SinkProvider(Provider):
    """Development SMS / WhatsApp: stores what would have been sent, one JSON file per message,
    in NOTIFICATION_SINK_DIR (`smart360 sms` lists them)."""

    def send(self, message: Outgoing) -> str:
        folder = sink_dir()
        folder.mkdir(parents=True, exist_ok=True)
        ref = f"{self.name}-{uuid.uuid4().hex}"
        record = {"id": ref, "channel": self.channel, "to": message.recipient,
                  "body": message.body, "tenant_id": str(message.tenant_id),
                  "delivery_id": message.delivery_id, "at": time.time()}
        name = f"{time.time_ns()}-{self.channel}-{message.delivery_id}.json"
        try:
            (folder / name).write_text(json.dumps(record))
        except OSError as exc:
            raise ProviderError(f"sink: {exc}") from exc
        return ref


class SmsSinkProvider(SinkProvider):
    name = "sms-sink"
    channel = "sms"


class WhatsAppSinkProvider(SinkProvider):
    name = "whatsapp-sink"
    channel = "whatsapp"


class InAppProvider(Provider):
    """In-app: the message becomes a row the consumer's app reads (the unread API); a batch's
    rows are written in one INSERT when its session ends."""

    name = "in-app"
    channel = "in_app"

    def __init__(self) -> None:
        self._rows: list[Any] = []

    @contextmanager
    def session(self) -> Iterator[Provider]:
        from notification.messaging.models import InAppMessage

        self._rows = []
        try:
            yield self
        finally:
            InAppMessage.objects.bulk_create(self._rows, ignore_conflicts=True)
            self._rows = []

    def send(self, message: Outgoing) -> str:
        from notification.messaging.models import InAppMessage

        self._rows.append(InAppMessage(delivery_id=message.delivery_id,
                                       tenant_id=message.tenant_id, recipient=message.recipient,
                                       subject=message.subject, body=message.body))
        return f"in-app-{message.delivery_id}"


DEFAULT_PROVIDERS = {
    "email": "notification.messaging.providers.EmailProvider",
    "sms": "notification.messaging.providers.SmsSinkProvider",
    "whatsapp": "notification.messaging.providers.WhatsAppSinkProvider",
    "in_app": "notification.messaging.providers.InAppProvider",
}


def provider_for(channel: str) -> Provider:
    paths = {**DEFAULT_PROVIDERS, **getattr(settings, "NOTIFICATION_PROVIDERS", {})}
    cls: type[Provider] = import_string(paths[channel])
    return cls()


def provider_named(name: str) -> Provider | None:
    for channel in DEFAULT_PROVIDERS:
        provider = provider_for(channel)
        if provider.name == name:
            return provider
    return None


# -- rate limits (per provider, across every worker: one Redis counter per second) ------------
def rate_take(provider: Provider, wanted: int) -> int:
    """How many of `wanted` sends the provider's per-second limit allows now."""
    limit = provider.rate_per_second
    if not limit or wanted <= 0:
        return wanted
    from smart360.redis import redis_client

    key = f"notification:rate:{provider.name}:{int(time.time())}"
    try:
        pipe = redis_client().pipeline()
        pipe.incrby(key, wanted)
        pipe.expire(key, 2)
        after = int(pipe.execute()[0])
    except Exception:
        log.warning("rate_limit_unavailable", provider=provider.name)
        return wanted
    before = after - wanted
    return max(0, min(wanted, limit - before))
