"""Writes of messaging: contacts from events, intents → deliveries, sending with retries, dead
letters and replay, messages (individual, bulk, scheduled), templates, preferences, in-app.

The path of a message:
    event / message → Intent (who, what, which category) → deliveries_create: templates, opt-outs
    and rendering for a whole batch, one INSERT … ON CONFLICT DO NOTHING → QUEUED rows, their
    send tasks enqueued on commit (chunked) → deliveries_send: claim (QUEUED/FAILED → SENDING),
    one provider session per channel, rate limit, results written in bulk.
A send task lost between the commit and the broker (a worker killed in between) is found by
the sweep (stale QUEUED rows are re-enqueued), as are sends interrupted mid-way (SENDING).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from notification.messaging import attachments, providers, templating
from notification.messaging.models import (
    ANY,
    Activity,
    Category,
    Channel,
    Contact,
    ContactAccount,
    Delivery,
    InAppMessage,
    Message,
    Preference,
    Template,
)
from smart360.celery.tasks import dispatch, enqueue_on_commit
from smart360.domain.models import TenantProfile
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.logging import get_logger

log = get_logger(__name__)

SEND_CHUNK = 200  # deliveries per send task (one SMTP connection each)
BULK_CHUNK = 1000  # contacts per INSERT of a bulk message
STALE_QUEUED = timedelta(minutes=2)  # a QUEUED row whose send should have run by now
STUCK_SENDING = timedelta(minutes=10)  # a SENDING row older than this was interrupted
UNSUBSCRIBE_SALT = "notification.unsubscribe"
S = Delivery.Status

DELIVERY = StateMachine("delivery", {
    S.QUEUED: (S.SENDING, S.CANCELLED),
    S.SENDING: (S.SENT, S.FAILED, S.DEAD),
    S.FAILED: (S.SENDING, S.CANCELLED, S.QUEUED),
    S.SENT: (S.DELIVERED, S.FAILED),
    S.DEAD: (S.QUEUED,),
    S.SUPPRESSED: (),
    S.CANCELLED: (),
    S.DELIVERED: (),
})
MESSAGE = StateMachine("message", {
    Message.Status.SCHEDULED: (Message.Status.PROCESSING, Message.Status.CANCELLED),
    Message.Status.PROCESSING: (Message.Status.DONE, Message.Status.CANCELLED),
})


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# -- contacts (projections of cx's events) ------------------------------------------------------
@dataclass(frozen=True)
class ContactData:
    tenant_id: uuid.UUID
    consumer_id: int
    number: str
    name: str
    email: str
    phone: str
    locale: str


def contacts_upsert(rows: Sequence[ContactData]) -> dict[tuple[uuid.UUID, int], Contact]:
    """One INSERT … ON CONFLICT DO UPDATE for a batch; the last word per consumer wins."""
    latest = {(r.tenant_id, r.consumer_id): r for r in rows}
    objs = [Contact(tenant_id=r.tenant_id, consumer_id=r.consumer_id, number=r.number,
                    name=r.name, email=r.email, phone=r.phone, locale=r.locale or "en")
            for r in latest.values()]
    if not objs:
        return {}
    Contact.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=["tenant_id", "consumer_id"],
        update_fields=["number", "name", "email", "phone", "locale", "updated_at"])
    return {(c.tenant_id, c.consumer_id): c for c in objs}


def accounts_upsert(rows: Sequence[tuple[uuid.UUID, str, Contact, int | None, int | None]]) -> None:
    """(tenant, account_number, holder, plan, area) → ContactAccount, one statement."""
    latest = {(t, n): (t, n, c, p, a) for t, n, c, p, a in rows}
    objs = [ContactAccount(tenant_id=t, account_number=n, contact=c, plan_id=p, area_id=a)
            for t, n, c, p, a in latest.values()]
    if objs:
        ContactAccount.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["tenant_id", "account_number"],
            update_fields=["contact", "plan_id", "area_id", "updated_at"])


def contacts_by_account(pairs: Iterable[tuple[uuid.UUID, str]]
                        ) -> dict[tuple[uuid.UUID, str], Contact]:
    """One query: (tenant, account_number) → the holder's contact."""
    pairs = set(pairs)
    if not pairs:
        return {}
    cond = Q()
    by_tenant: dict[uuid.UUID, set[str]] = defaultdict(set)
    for tenant, number in pairs:
        by_tenant[tenant].add(number)
    for tenant, numbers in by_tenant.items():
        cond |= Q(tenant_id=tenant, account_number__in=numbers)
    rows = ContactAccount.objects.filter(cond).select_related("contact")
    return {(r.tenant_id, r.account_number): r.contact for r in rows}


# -- intents → deliveries -----------------------------------------------------------------------
@dataclass
class Intent:
    """Someone should hear about something: the event (or message), whom, and the context."""

    tenant_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    context: dict[str, Any]
    contact: Contact | None = None
    address: str = ""  # an email address when there is no contact (a technician, a cover)
    category: str = ""
    channels: tuple[str, ...] = tuple(Channel.values)
    message: Message | None = None
    subject: str | None = None  # a message's own text instead of a template
    body: str | None = None
    attachment: str = ""  # a document the mail attaches (a gateway path, fetched at send time)


@dataclass
class _Templates:
    rows: dict[tuple[uuid.UUID | None, str, str, str], Template] = field(default_factory=dict)

    def pick(self, tenant: uuid.UUID, event_type: str, channel: str, locale: str
             ) -> Template | None:
        for key in ((tenant, event_type, channel, locale), (tenant, event_type, channel, "en"),
                    (None, event_type, channel, locale), (None, event_type, channel, "en")):
            if key in self.rows:
                return self.rows[key]
        return None


def _templates_for(intents: Sequence[Intent]) -> _Templates:
    tenants = {i.tenant_id for i in intents}
    types = {i.event_type for i in intents if i.body is None}
    found = _Templates()
    if not types:
        return found
    for t in Template.objects.filter(Q(tenant_id__in=tenants) | Q(tenant_id__isnull=True),
                                     event_type__in=types, is_active=True):
        found.rows[(t.tenant_id, t.event_type, t.channel, t.locale)] = t
    return found


def _opted_out(contacts: Iterable[Contact]) -> set[tuple[int, str, str]]:
    ids = {c.pk for c in contacts}
    if not ids:
        return set()
    return set(Preference.objects.filter(contact_id__in=ids, opted_out=True)
               .values_list("contact_id", "channel", "category"))


def _is_out(out: set[tuple[int, str, str]], contact: Contact | None, channel: str,
            category: str) -> bool:
    if contact is None or not out:
        return False
    return any((contact.pk, ch, cat) in out for ch in (channel, ANY) for cat in (category, ANY))


def _address(channel: str, intent: Intent) -> str:
    contact = intent.contact
    if contact is None:
        return intent.address if channel == Channel.EMAIL else ""
    if channel == Channel.EMAIL:
        return contact.email
    if channel in (Channel.SMS, Channel.WHATSAPP):
        return contact.phone
    return contact.number  # in-app: the consumer's number


def unsubscribe_token(*, tenant_id: uuid.UUID, contact_id: int, channel: str, category: str) -> str:
    return signing.dumps({"t": str(tenant_id), "c": contact_id, "ch": channel, "cat": category},
                         salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(token: str) -> str:
    return f"{settings.NOTIFICATION_PUBLIC_URL.rstrip('/')}/notification/api/v1/unsubscribe/{token}/"


def _tenant_names(tenants: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    return {t: (n, c) for t, n, c in TenantProfile.objects.filter(tenant_id__in=tenants)
            .values_list("tenant_id", "name", "currency")}


def deliveries_create(intents: Sequence[Intent], *, now: datetime | None = None) -> list[Delivery]:
    """Render and queue every intent's deliveries in a few statements (templates, preferences,
    tenants, one INSERT, one read back, the activity rows); their sends go on commit."""
    if not intents:
        return []
    now = _now(now)
    templates = _templates_for(intents)
    out = _opted_out(i.contact for i in intents if i.contact is not None)
    tenants = _tenant_names({i.tenant_id for i in intents})
    rows: list[Delivery] = []
    for intent in intents:
        category = intent.category or templating.category_of(intent.event_type)
        contact = intent.contact
        locale = (contact.locale if contact else "") or "en"
        tenant_name, currency = tenants.get(intent.tenant_id, ("", ""))
        base: dict[str, Any] = {
            "tenant_name": tenant_name, "currency": currency, "locale": locale,
            "event": {"id": str(intent.event_id), "type": intent.event_type},
        }
        if contact is not None:
            base.update(name=contact.name, email=contact.email, phone=contact.phone,
                        consumer_number=contact.number)
        context = {**base, **intent.context}
        for channel in intent.channels:
            address = _address(channel, intent)
            if not address:
                continue
            if intent.body is not None:
                subject_text, body_text = intent.subject or "", intent.body
            else:
                template = templates.pick(intent.tenant_id, intent.event_type, channel, locale)
                if template is None:
                    continue
                subject_text, body_text = template.subject, template.body
            headers_note = ""
            if contact is not None and category == Category.MARKETING:
                token = unsubscribe_token(tenant_id=intent.tenant_id, contact_id=contact.pk,
                                          channel=channel, category=category)
                context["unsubscribe_url"] = unsubscribe_url(token)
                if "unsubscribe_url" not in body_text and channel == Channel.EMAIL:
                    headers_note = f"\n\nUnsubscribe: {context['unsubscribe_url']}\n"
            suppressed = _is_out(out, contact, channel, category)
            rows.append(Delivery(
                tenant_id=intent.tenant_id, event_id=intent.event_id,
                event_type=intent.event_type, channel=channel, category=category,
                recipient=address[:254], contact=contact, message=intent.message,
                subject=templating.render(subject_text, context).strip()[:200],
                body=templating.render(body_text, context) + headers_note,
                status=S.SUPPRESSED if suppressed else S.QUEUED,
                next_attempt_at=None if suppressed else now,
                last_error="opted out" if suppressed else "",
                attachment=intent.attachment if channel == Channel.EMAIL else "",
            ))
    return _insert(rows, now=now)


def _insert(rows: list[Delivery], *, now: datetime) -> list[Delivery]:
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BULK_CHUNK)
    keys = {(r.event_id, r.channel, r.recipient) for r in rows}
    event_ids = {r.event_id for r in rows}
    fresh = [d for d in Delivery.objects.filter(event_id__in=event_ids, created_at__gte=now)
             .only("id", "tenant_id", "recipient", "status", "event_id", "channel", "updated_at")
             if (d.event_id, d.channel, d.recipient) in keys]
    Activity.objects.bulk_create(
        [Activity(tenant_id=d.tenant_id, recipient=d.recipient, delivery_id=d.pk, status=d.status,
                  detail="opted out" if d.status == S.SUPPRESSED else "", at=now) for d in fresh],
        batch_size=BULK_CHUNK)
    queued = sorted(d.pk for d in fresh if d.status == S.QUEUED)
    for start in range(0, len(queued), SEND_CHUNK):
        enqueue_on_commit("notification.send_deliveries", queued[start:start + SEND_CHUNK])
    return fresh


# -- sending ------------------------------------------------------------------------------------
def _claim(ids: Sequence[int], now: datetime) -> list[Delivery]:
    """QUEUED/FAILED (and due) → SENDING for this worker; a row another worker holds is skipped."""
    with transaction.atomic():
        rows = list(Delivery.objects.select_for_update(skip_locked=True).filter(
            pk__in=list(ids), status__in=[S.QUEUED, S.FAILED], next_attempt_at__lte=now,
        ).order_by("pk"))
        if rows:
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=S.SENDING, attempts=F("attempts") + 1, updated_at=now)
    for r in rows:
        r.attempts += 1
    return rows


def deliveries_send(ids: Sequence[int], *, now: datetime | None = None,
                    rng: random.Random | None = None) -> dict[str, int]:
    """Send what of `ids` is due, one provider session per channel; write the outcomes in bulk.
    A second run of the same ids finds nothing to claim."""
    now = _now(now)
    claimed = _claim(ids, now)
    counts = {"sent": 0, "failed": 0, "dead": 0, "throttled": 0}
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for d in claimed:
        by_channel[d.channel].append(d)
    done: list[Delivery] = []
    activity: list[Activity] = []
    for channel, rows in by_channel.items():
        provider = providers.provider_for(channel)
        allowed = providers.rate_take(provider, len(rows))
        for d in rows[allowed:]:  # over the provider's rate: back in the queue, no attempt used
            d.status, d.attempts = S.QUEUED, d.attempts - 1
            d.next_attempt_at = now + timedelta(seconds=1 + random.random())  # noqa: S311  # nosec B311 - jitter, not a secret
            counts["throttled"] += 1
            done.append(d)
        _send_all(channel, provider, rows[:allowed], now=now, rng=rng)
        for d in rows[:allowed]:
            counts[str(d.status).lower()] += 1
            activity.append(Activity(tenant_id=d.tenant_id, recipient=d.recipient,
                                     delivery_id=d.pk, status=d.status,
                                     detail=d.last_error[:500], at=timezone.now()))
            done.append(d)
    throttled = [d.pk for d in done if d.status == S.QUEUED]
    if done:
        _write_outcomes(done)
        Activity.objects.bulk_create(activity, batch_size=BULK_CHUNK)
    if throttled:  # try again in a second or two (the sweep is the safety net)
        transaction.on_commit(lambda: dispatch("notification.send_deliveries", args=[throttled],
                                               countdown=2))
    return counts


def _write_outcomes(rows: list[Delivery]) -> None:
    """The batch's outcomes in one UPDATE … FROM a jsonb parameter: Django's bulk_update builds
    a CASE with one WHEN per row for each column (1,600 expressions for 200 sends, compiled in
    Python), this is one string to quote."""
    def at(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    payload = json.dumps([{
        "id": d.pk, "status": str(d.status), "attempts": d.attempts,
        "next_attempt_at": at(d.next_attempt_at), "last_error": d.last_error,
        "provider": d.provider, "provider_message_id": d.provider_message_id,
        "sent_at": at(d.sent_at), "updated_at": at(d.updated_at)} for d in rows])
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} d SET status = r.status, attempts = r.attempts, "  # noqa: S608
            "next_attempt_at = r.next_attempt_at, last_error = r.last_error, "
            "provider = r.provider, provider_message_id = r.provider_message_id, "
            "sent_at = r.sent_at, updated_at = r.updated_at "
            "FROM jsonb_to_recordset(%s::jsonb) AS r(id bigint, status text, attempts integer, "
            "next_attempt_at timestamptz, last_error text, provider text, "
            "provider_message_id text, sent_at timestamptz, updated_at timestamptz) "
            "WHERE d.id = r.id", [payload])


def _send_all(channel: str, provider: providers.Provider, rows: list[Delivery], *,
              now: datetime, rng: random.Random | None) -> None:
    """Send `rows`, each on the provider's sessions. A provider that waits on the network
    (`connections` > 1, e.g. SMTP) gets that many connections in threads: a send is a few
    round trips, so the wait, not the CPU, bounds one connection. Only Delivery objects in
    memory are touched here; the database is written afterwards, once."""
    parallel = min(provider.connections, max(1, len(rows) // 20))
    if parallel <= 1:
        with provider.session(), attachments.Fetcher() as fetcher:
            for d in rows:
                _send_one(provider, d, fetcher, now=now, rng=rng)
        return

    def part(slice_: list[Delivery]) -> None:
        own = providers.provider_for(channel)
        with own.session(), attachments.Fetcher() as fetcher:
            for d in slice_:
                _send_one(own, d, fetcher, now=now, rng=rng)

    with ThreadPoolExecutor(parallel, thread_name_prefix=f"send-{channel}") as pool:
        list(pool.map(part, [rows[i::parallel] for i in range(parallel)]))


def _send_one(provider: providers.Provider, d: Delivery, fetcher: attachments.Fetcher, *,
              now: datetime, rng: random.Random | None) -> None:
    d.provider, d.updated_at = provider.name, now
    headers = {}
    if d.category == Category.MARKETING and "/unsubscribe/" in d.body:
        link = next(w for w in d.body.split() if "/unsubscribe/" in w)
        headers = {"List-Unsubscribe": f"<{link}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    try:
        # Fetched here, in the worker and outside any transaction: a document that is not there
        # (404) leaves the mail with its link; an owner that fails is a retry, like SMTP's.
        doc = fetcher.fetch(d.tenant_id, d.attachment) if d.attachment else None
        d.provider_message_id = provider.send(providers.Outgoing(
            d.pk, d.tenant_id, d.channel, d.recipient, d.subject, d.body, headers,
            (doc,) if doc is not None else ()))
    except providers.ProviderError as exc:
        dead = exc.kind == providers.PERMANENT or d.attempts >= provider.max_attempts
        d.status = S.DEAD if dead else S.FAILED
        d.next_attempt_at = None if dead else now + provider.retry_delay(
            attempts=d.attempts, kind=exc.kind, rng=rng)
        d.last_error = f"{exc.kind}: {exc}"[:2000]
        log.warning("delivery_failed", delivery_id=d.pk, attempts=d.attempts, dead=dead,
                    kind=exc.kind, error=str(exc))
        return
    d.status, d.sent_at, d.next_attempt_at, d.last_error = S.SENT, timezone.now(), None, ""


def deliveries_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """The sweep: sends interrupted mid-way (SENDING too long) fail over to a retry; then FAILED
    rows whose backoff is over, and QUEUED rows whose send task never ran (lost between the
    inbox commit and the broker), oldest first."""
    now = _now(now)
    Delivery.objects.filter(status=S.SENDING, updated_at__lt=now - STUCK_SENDING).update(
        status=S.FAILED, next_attempt_at=now, last_error="interrupted while sending",
        updated_at=now)
    due = Delivery.objects.filter(
        Q(status=S.FAILED, next_attempt_at__lte=now)
        | Q(status=S.QUEUED, next_attempt_at__lte=now - STALE_QUEUED)
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def deliveries_enqueue(ids: Sequence[int]) -> int:
    for start in range(0, len(ids), SEND_CHUNK):
        dispatch("notification.send_deliveries", args=[list(ids[start:start + SEND_CHUNK])])
    return len(ids)


# -- status callbacks, cancellation, replay ------------------------------------------------------
def delivery_status_callback(*, provider_name: str, payload: dict[str, Any]) -> Delivery:
    provider = providers.provider_named(provider_name)
    if provider is None:
        raise NotFound("No such provider.")
    try:
        update = provider.status_update(payload)
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors={"status": str(exc)}) from exc
    delivery = Delivery.objects.filter(provider=provider.name,
                                       provider_message_id=update.provider_message_id).first()
    if delivery is None or not update.provider_message_id:
        raise NotFound("No such message.")
    now = timezone.now()
    if delivery.status == update.status:
        return delivery  # a repeated callback
    changes: dict[str, Any] = {"updated_at": now}
    if update.status == S.DELIVERED:
        changes["delivered_at"] = now
    else:
        changes["last_error"] = update.detail or "provider reported a failure"
        changes["next_attempt_at"] = now
    DELIVERY.move(Delivery.objects.filter(pk=delivery.pk), update.status, **changes)
    Activity.objects.create(tenant_id=delivery.tenant_id, recipient=delivery.recipient,
                            delivery=delivery, status=update.status, detail=update.detail, at=now)
    delivery.refresh_from_db()
    return delivery


def delivery_cancel(*, tenant_id: uuid.UUID, delivery_id: int) -> Delivery:
    rows = Delivery.objects.filter(tenant_id=tenant_id, pk=delivery_id)
    now = timezone.now()
    DELIVERY.move(rows, S.CANCELLED, next_attempt_at=None, updated_at=now)
    delivery = rows.get()
    Activity.objects.create(tenant_id=tenant_id, recipient=delivery.recipient, delivery=delivery,
                            status=S.CANCELLED, at=now)
    return delivery


def deliveries_replay(*, tenant_id: uuid.UUID, ids: Sequence[int] | None = None,
                      event_type: str = "", channel: str = "") -> list[int]:
    """Dead letters back to QUEUED with fresh attempts, their sends enqueued on commit."""
    now = timezone.now()
    rows = Delivery.objects.filter(tenant_id=tenant_id, status=S.DEAD)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if event_type:
        rows = rows.filter(event_type=event_type)
    if channel:
        rows = rows.filter(channel=channel)
    replayed = list(rows.values_list("pk", "recipient"))
    if not replayed:
        return []
    Delivery.objects.filter(pk__in=[pk for pk, _ in replayed], status=S.DEAD).update(
        status=S.QUEUED, attempts=0, next_attempt_at=now, updated_at=now)
    Activity.objects.bulk_create([Activity(tenant_id=tenant_id, recipient=r, delivery_id=pk,
                                           status=S.QUEUED, detail="replayed", at=now)
                                  for pk, r in replayed])
    pks = sorted(pk for pk, _ in replayed)
    for start in range(0, len(pks), SEND_CHUNK):
        enqueue_on_commit("notification.send_deliveries", pks[start:start + SEND_CHUNK])
    return pks


def delivery_replay(*, tenant_id: uuid.UUID, delivery_id: int) -> Delivery:
    rows = Delivery.objects.filter(tenant_id=tenant_id, pk=delivery_id)
    current = rows.values_list("status", flat=True).first()
    if current is None:
        raise NotFound("No such delivery.")
    if current != S.DEAD:
        raise DELIVERY.refuse(current, S.QUEUED, label="This delivery")
    deliveries_replay(tenant_id=tenant_id, ids=[delivery_id])
    return rows.get()


# -- messages: individual, bulk, scheduled ----------------------------------------------------
def audience(*, tenant_id: uuid.UUID, spec: dict[str, Any]) -> QuerySet[Contact]:
    """The contacts an audience filter names: contacts / account_numbers / plan / area / locale,
    or `all`."""
    rows = Contact.objects.filter(tenant_id=tenant_id)
    if spec.get("contacts"):
        rows = rows.filter(pk__in=spec["contacts"])
    if spec.get("account_numbers"):
        rows = rows.filter(accounts__account_number__in=spec["account_numbers"])
    if spec.get("plan_id") is not None:
        rows = rows.filter(accounts__plan_id=spec["plan_id"])
    if spec.get("area_id") is not None:
        rows = rows.filter(accounts__area_id=spec["area_id"])
    if spec.get("locale"):
        rows = rows.filter(locale=spec["locale"])
    return rows.distinct()


def message_create(*, tenant_id: uuid.UUID, channel: str, category: str, subject: str, body: str,
                   audience_spec: dict[str, Any], scheduled_at: datetime | None = None,
                   created_by: str = "") -> Message:
    if not any(audience_spec.get(k) not in (None, "", [], False)
               for k in ("contacts", "account_numbers", "plan_id", "area_id", "locale", "all")):
        raise ValidationFailed("Name an audience: contacts, account_numbers, plan_id, area_id, "
                               "locale or all.", errors={"audience": "empty"})
    templating.validate(templating.CUSTOM, subject=subject, body=body)
    now = timezone.now()
    message = Message.objects.create(
        tenant_id=tenant_id, channel=channel, category=category, subject=subject, body=body,
        audience=audience_spec, scheduled_at=scheduled_at or now, created_by=created_by,
        status=Message.Status.SCHEDULED)
    if message.scheduled_at <= now:
        MESSAGE.move(Message.objects.filter(pk=message.pk), Message.Status.PROCESSING)
        message.status = Message.Status.PROCESSING
        enqueue_on_commit("notification.dispatch_message", message.pk)
    return message


def message_dispatch(*, message_id: int) -> int:
    """Turn a PROCESSING message into deliveries, BULK_CHUNK contacts per transaction (keyset by
    id). A re-run (a crash mid-way) inserts only what is missing; a cancel stops it."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None or message.status != Message.Status.PROCESSING:
        return 0
    contacts = audience(tenant_id=message.tenant_id, spec=message.audience).order_by("pk")
    after, total = 0, 0
    while True:
        chunk = list(contacts.filter(pk__gt=after)[:BULK_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            if Message.objects.filter(pk=message.pk, status=Message.Status.CANCELLED).exists():
                return total
            created = deliveries_create([
                Intent(tenant_id=message.tenant_id, event_id=message.key,
                       event_type=templating.CUSTOM, context={}, contact=c,
                       category=message.category, channels=(message.channel,), message=message,
                       subject=message.subject, body=message.body) for c in chunk])
            total += len(created)
            Message.objects.filter(pk=message.pk).update(recipients=F("recipients") + len(created),
                                                         updated_at=timezone.now())
        after = chunk[-1].pk
    Message.objects.filter(pk=message.pk, status=Message.Status.PROCESSING).update(
        status=Message.Status.DONE, updated_at=timezone.now())
    return total


def messages_due(*, now: datetime | None = None) -> list[int]:
    """Scheduled messages whose time came (→ PROCESSING), plus dispatches that died mid-way."""
    now = _now(now)
    with transaction.atomic():
        due = list(Message.objects.select_for_update(skip_locked=True)
                   .filter(status=Message.Status.SCHEDULED, scheduled_at__lte=now)
                   .values_list("pk", flat=True))
        Message.objects.filter(pk__in=due).update(status=Message.Status.PROCESSING, updated_at=now)
    stuck = list(Message.objects.filter(status=Message.Status.PROCESSING,
                                        updated_at__lt=now - STUCK_SENDING)
                 .values_list("pk", flat=True))
    return due + stuck


def message_cancel(*, tenant_id: uuid.UUID, message_id: int) -> Message:
    rows = Message.objects.filter(tenant_id=tenant_id, pk=message_id)
    now = timezone.now()
    MESSAGE.move(rows, Message.Status.CANCELLED, updated_at=now)
    message = rows.get()
    pending = Delivery.objects.filter(message=message, status__in=[S.QUEUED, S.FAILED])
    ids = list(pending.values_list("pk", "recipient"))
    pending.update(status=S.CANCELLED, next_attempt_at=None, updated_at=now)
    Activity.objects.bulk_create([Activity(tenant_id=tenant_id, recipient=r, delivery_id=pk,
                                           status=S.CANCELLED, detail="message cancelled", at=now)
                                  for pk, r in ids])
    return message


# -- templates ------------------------------------------------------------------------------------
def template_create(*, tenant_id: uuid.UUID, event_type: str, channel: str, locale: str,
                    subject: str, body: str, is_active: bool = True) -> Template:
    templating.validate(event_type, subject=subject, body=body)
    if Template.objects.filter(tenant_id=tenant_id, event_type=event_type, channel=channel,
                               locale=locale).exists():
        raise Conflict("This tenant already has a template for this event, channel and locale; "
                       "change it instead.")
    return Template.objects.create(tenant_id=tenant_id, event_type=event_type, channel=channel,
                                   locale=locale, subject=subject, body=body, is_active=is_active)


def template_update(*, tenant_id: uuid.UUID, template_id: int, **changes: Any) -> Template:
    template = Template.objects.filter(tenant_id=tenant_id, pk=template_id).first()
    if template is None:
        raise NotFound("No such template of yours (platform defaults are overridden by creating "
                       "your own).")
    subject = changes.get("subject", template.subject)
    body = changes.get("body", template.body)
    templating.validate(template.event_type, subject=subject, body=body)
    for key, value in changes.items():
        setattr(template, key, value)
    template.save()
    return template


def template_delete(*, tenant_id: uuid.UUID, template_id: int) -> None:
    deleted, _ = Template.objects.filter(tenant_id=tenant_id, pk=template_id).delete()
    if not deleted:
        raise NotFound("No such template of yours.")


def template_preview(*, event_type: str, subject: str, body: str,
                     data: dict[str, Any] | None = None) -> dict[str, Any]:
    used = templating.validate(event_type, subject=subject, body=body)
    context = {**templating.sample_context(event_type), **(data or {})}
    return {"subject": templating.render(subject, context).strip(),
            "body": templating.render(body, context), "variables": sorted(used)}


# -- preferences, unsubscribe ---------------------------------------------------------------------
def preference_set(*, tenant_id: uuid.UUID, contact_id: int, channel: str, category: str,
                   opted_out: bool) -> Preference:
    if not Contact.objects.filter(tenant_id=tenant_id, pk=contact_id).exists():
        raise NotFound("No such contact.")
    pref, _ = Preference.objects.update_or_create(
        contact_id=contact_id, channel=channel, category=category,
        defaults={"tenant_id": tenant_id, "opted_out": opted_out})
    return pref


def unsubscribe_read(token: str) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT,
                             max_age=timedelta(days=settings.NOTIFICATION_UNSUBSCRIBE_DAYS))
        tenant_id, contact_id = uuid.UUID(data["t"]), int(data["c"])
        channel, category = str(data["ch"]), str(data["cat"])
    except (signing.BadSignature, KeyError, ValueError, TypeError) as exc:
        raise NotFound("This unsubscribe link is not valid (or has expired).") from exc
    return {"tenant_id": tenant_id, "contact_id": contact_id, "channel": channel,
            "category": category}


def unsubscribe(token: str) -> dict[str, Any]:
    data = unsubscribe_read(token)
    try:
        preference_set(tenant_id=data["tenant_id"], contact_id=data["contact_id"],
                       channel=data["channel"], category=data["category"], opted_out=True)
    except NotFound as exc:
        raise NotFound("This unsubscribe link is not valid (or has expired).") from exc
    return {"channel": data["channel"], "category": data["category"], "unsubscribed": True}


# -- in-app -------------------------------------------------------------------------------------
def in_app_mark_read(*, tenant_id: uuid.UUID, message_id: int) -> InAppMessage:
    row = InAppMessage.objects.filter(tenant_id=tenant_id, pk=message_id).first()
    if row is None:
        raise NotFound("No such message.")
    if row.read_at is None:
        row.read_at = timezone.now()
        InAppMessage.objects.filter(pk=row.pk, read_at=None).update(read_at=row.read_at)
    return row


def in_app_mark_all_read(*, tenant_id: uuid.UUID, recipient: str) -> int:
    return InAppMessage.objects.filter(tenant_id=tenant_id, recipient=recipient,
                                       read_at=None).update(read_at=timezone.now())
