"""The communication hub's API, tenant-scoped: deliveries (log, cancel, replay), the activity
log, templates (overrides, preview), contacts and preferences, messages (individual, bulk,
scheduled), in-app messages; public: provider status callbacks and unsubscribe links."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from notification.messaging import selectors, services, templating
from notification.messaging.models import (
    ANY,
    Category,
    Channel,
    Contact,
    Delivery,
    InAppMessage,
    Message,
    Template,
)
from smart360.api import PublicView, TenantListView, TenantView
from smart360.errors import NotFound, PermissionDenied

CHANNEL_OR_ANY = [*Channel.values, ANY]
TEMPLATE_RULES = ("subject and body use only the variables the event type offers (a 400 names "
                  "them), and only variables, filters, `if` and `for` (no other tags)",)
CATEGORY_OR_ANY = [*Category.values, ANY]


# -- deliveries -------------------------------------------------------------------------------
class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    event_type = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices)
    category = serializers.ChoiceField(Category.choices)
    recipient = serializers.CharField()
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    message = serializers.IntegerField(source="message_id", allow_null=True)
    subject = serializers.CharField()
    status = serializers.ChoiceField(Delivery.Status.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    provider = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class DeliveryDetailOutput(DeliveryOutput):
    body = serializers.CharField()
    attachment = serializers.CharField(
        help_text="The document the mail attaches (a gateway path fetched when it is sent, "
                  "e.g. the bill's PDF); empty when none.")


class DeliveryList(TenantListView):
    """The delivery log; dead letters are `?status=DEAD`."""

    module = "notification.deliveries"
    Output = DeliveryOutput

    class Filters(serializers.Serializer):
        recipient = serializers.CharField(required=False, max_length=254)
        status = serializers.ChoiceField(Delivery.Status.choices, required=False)
        event_type = serializers.CharField(required=False, max_length=100)
        channel = serializers.ChoiceField(Channel.choices, required=False)
        contact = serializers.IntegerField(required=False, min_value=1)
        message = serializers.IntegerField(required=False, min_value=1)

    def get(self, request: Request) -> Response:
        return self.page(selectors.delivery_list(tenant_id=self.tenant_id, **self.filters()))


class DeliveryDetail(TenantView):
    module = "notification.deliveries"
    Output = DeliveryDetailOutput

    def get(self, request: Request, pk: int) -> Response:
        delivery = selectors.delivery_list(tenant_id=self.tenant_id).filter(pk=pk).first()
        if delivery is None:
            raise NotFound("No such delivery.")
        return self.respond(delivery)


class DeliveryCancel(TenantView):
    """QUEUED or FAILED → CANCELLED (anything else is a 409)."""

    module = "notification.deliveries"
    Output = DeliveryDetailOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.delivery_cancel(tenant_id=self.tenant_id, delivery_id=pk))


class DeliveryReplay(TenantView):
    """A dead letter → QUEUED with fresh attempts (anything else is a 409)."""

    module = "notification.deliveries"
    Output = DeliveryDetailOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.delivery_replay(tenant_id=self.tenant_id, delivery_id=pk))


class DeliveryReplayDead(TenantView):
    """Replay every dead letter (of one event type / channel when given)."""

    module = "notification.deliveries"

    class Input(serializers.Serializer):
        event_type = serializers.CharField(required=False, max_length=100, allow_blank=True)
        channel = serializers.ChoiceField(Channel.choices, required=False)

    class Output(serializers.Serializer):
        replayed = serializers.IntegerField()

    def post(self, request: Request) -> Response:
        ids = services.deliveries_replay(tenant_id=self.tenant_id, **self.input())
        return self.respond({"replayed": len(ids)})


class ActivityList(TenantListView):
    """What happened to one recipient's messages, newest first."""

    module = "notification.deliveries"

    class Filters(serializers.Serializer):
        recipient = serializers.CharField(max_length=254)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        recipient = serializers.CharField()
        delivery = serializers.IntegerField(source="delivery.id")
        channel = serializers.CharField(source="delivery.channel")
        event_type = serializers.CharField(source="delivery.event_type")
        subject = serializers.CharField(source="delivery.subject")
        status = serializers.CharField()
        detail = serializers.CharField()
        at = serializers.DateTimeField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.activity_list(tenant_id=self.tenant_id, **self.filters()))


# -- templates ----------------------------------------------------------------------------------
class TemplateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tenant_id = serializers.UUIDField(allow_null=True)
    event_type = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices)
    locale = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    is_active = serializers.BooleanField()


class TemplateList(TenantListView):
    """The templates this tenant sends with: its own, and the platform's; POST adds an override
    (an unknown variable is a 400)."""

    module = "notification.templates"
    Output = TemplateOutput
    rules = TEMPLATE_RULES

    class Filters(serializers.Serializer):
        event_type = serializers.CharField(required=False, max_length=100)
        channel = serializers.ChoiceField(Channel.choices, required=False)
        locale = serializers.CharField(required=False, max_length=10)

    class Input(serializers.Serializer):
        event_type = serializers.ChoiceField(templating.event_types())
        channel = serializers.ChoiceField(Channel.choices)
        locale = serializers.RegexField(r"^[a-z]{2}(-[A-Z]{2})?$", max_length=10,
                                        min_length=2)
        subject = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")
        body = serializers.CharField(max_length=20000)
        is_active = serializers.BooleanField(required=False, default=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.template_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.template_create(tenant_id=self.tenant_id, **self.input()))


class TemplateDetail(TenantView):
    module = "notification.templates"
    Output = TemplateOutput
    rules = TEMPLATE_RULES

    class Input(serializers.Serializer):
        subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
        body = serializers.CharField(max_length=20000, required=False)
        is_active = serializers.BooleanField(required=False)

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(self._template(pk))

    def patch(self, request: Request, pk: int) -> Response:
        return self.respond(services.template_update(tenant_id=self.tenant_id, template_id=pk,
                                                     **self.input()))

    def delete(self, request: Request, pk: int) -> Response:
        services.template_delete(tenant_id=self.tenant_id, template_id=pk)
        return Response(status=204)

    def _template(self, pk: int) -> Template:
        template = selectors.template_list(tenant_id=self.tenant_id).filter(pk=pk).first()
        if template is None:
            raise NotFound("No such template.")
        return template


class TemplatePreview(TenantView):
    """Render a template text with sample data of its event (and `data` overriding it)."""

    module = "notification.templates"
    rules = TEMPLATE_RULES

    class Input(serializers.Serializer):
        event_type = serializers.ChoiceField(templating.event_types())
        subject = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")
        body = serializers.CharField(max_length=20000)
        data = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]

    class Output(serializers.Serializer):
        subject = serializers.CharField()
        body = serializers.CharField()
        variables = serializers.ListField(child=serializers.CharField())

    def post(self, request: Request) -> Response:
        return self.respond(services.template_preview(**self.input()))


# -- contacts and preferences -------------------------------------------------------------------
class ContactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    consumer_id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    locale = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ContactList(TenantListView):
    """Contacts as projected from cx (name, email, phone, locale; accounts)."""

    module = "notification.contacts"
    Output = ContactOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=200)
        account = serializers.CharField(required=False, max_length=40)

    def get(self, request: Request) -> Response:
        return self.page(selectors.contact_list(tenant_id=self.tenant_id, **self.filters()))


class ContactDetail(TenantView):
    module = "notification.contacts"
    Output = ContactOutput

    def get(self, request: Request, pk: int) -> Response:
        contact: Contact | None = selectors.contact_list(tenant_id=self.tenant_id).filter(
            pk=pk).first()
        if contact is None:
            raise NotFound("No such contact.")
        return self.respond(contact)


class PreferenceList(TenantListView):
    """Opt-outs per contact, channel and category (`*` = all); POST sets one (an upsert)."""

    module = "notification.preferences"
    post_status = 200

    class Filters(serializers.Serializer):
        contact = serializers.IntegerField(required=False, min_value=1)

    class Input(serializers.Serializer):
        contact = serializers.IntegerField(min_value=1)
        channel = serializers.ChoiceField(CHANNEL_OR_ANY)
        category = serializers.ChoiceField(CATEGORY_OR_ANY)
        opted_out = serializers.BooleanField()

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        contact = serializers.IntegerField(source="contact_id")
        channel = serializers.CharField()
        category = serializers.CharField()
        opted_out = serializers.BooleanField()
        updated_at = serializers.DateTimeField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.preference_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        data = self.input()
        return self.respond(services.preference_set(
            tenant_id=self.tenant_id, contact_id=data["contact"], channel=data["channel"],
            category=data["category"], opted_out=data["opted_out"]))


# -- messages -----------------------------------------------------------------------------------
class Audience(serializers.Serializer):
    contacts = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     max_length=10000)
    account_numbers = serializers.ListField(child=serializers.CharField(max_length=40),
                                            required=False, max_length=10000)
    plan_id = serializers.IntegerField(required=False, min_value=1)
    area_id = serializers.IntegerField(required=False, min_value=1)
    locale = serializers.CharField(required=False, max_length=10)
    all = serializers.BooleanField(required=False, default=False)


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.ChoiceField(Channel.choices)
    category = serializers.ChoiceField(Category.choices)
    subject = serializers.CharField()
    body = serializers.CharField()
    audience = serializers.DictField()
    scheduled_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(Message.Status.choices)
    recipients = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MessageList(TenantListView):
    """Individual (audience.contacts), bulk (an audience filter, chunked) and scheduled
    (`scheduled_at`) messages; the text's variables are the contact's (400 otherwise)."""

    module = "notification.messages"
    Output = MessageOutput
    idempotent = True
    rules = ("the audience names at least one of contacts, account_numbers, plan_id, area_id, "
             "locale or all (true)",
             "subject and body use only the contact's variables (name, email, phone, locale, "
             "consumer_number, account_number, tenant_name, currency, unsubscribe_url, event), "
             "and only variables, filters, `if` and `for`")

    class Filters(serializers.Serializer):
        status = serializers.ChoiceField(Message.Status.choices, required=False)

    class Input(serializers.Serializer):
        channel = serializers.ChoiceField(Channel.choices)
        category = serializers.ChoiceField(Category.choices)
        subject = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")
        body = serializers.CharField(max_length=20000)
        audience = Audience()
        scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def get(self, request: Request) -> Response:
        return self.page(selectors.message_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        data = self.input()
        return self.respond(services.message_create(
            tenant_id=self.tenant_id, channel=data["channel"], category=data["category"],
            subject=data["subject"], body=data["body"], audience_spec=dict(data["audience"]),
            scheduled_at=data["scheduled_at"], created_by=self.principal.email or ""))


class MessageDetail(TenantView):
    module = "notification.messages"
    Output = MessageOutput

    def get(self, request: Request, pk: int) -> Response:
        message = selectors.message_list(tenant_id=self.tenant_id).filter(pk=pk).first()
        if message is None:
            raise NotFound("No such message.")
        return self.respond(message)


class MessageCancel(TenantView):
    """SCHEDULED or PROCESSING → CANCELLED; its deliveries not sent yet are cancelled."""

    module = "notification.messages"
    Output = MessageOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.message_cancel(tenant_id=self.tenant_id, message_id=pk))


# -- in-app -------------------------------------------------------------------------------------
class InAppOutput(serializers.Serializer):
    id = serializers.IntegerField()
    recipient = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class Recipient(serializers.Serializer):
    recipient = serializers.CharField(max_length=254)


class InAppList(TenantListView):
    """A consumer's in-app messages (recipient = the consumer number); `unread=true` filters."""

    module = "notification.inbox"
    Output = InAppOutput

    class Filters(serializers.Serializer):
        recipient = serializers.CharField(max_length=254)
        unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get(self, request: Request) -> Response:
        return self.page(selectors.in_app_list(tenant_id=self.tenant_id, **self.filters()))


class InAppUnreadCount(TenantView):
    module = "notification.inbox"
    Filters = Recipient

    class Output(serializers.Serializer):
        recipient = serializers.CharField()
        unread = serializers.IntegerField()

    def get(self, request: Request) -> Response:
        recipient = self.filters()["recipient"]
        return self.respond({"recipient": recipient, "unread": selectors.in_app_unread_count(
            tenant_id=self.tenant_id, recipient=recipient)})


class InAppRead(TenantView):
    module = "notification.inbox"
    Output = InAppOutput

    def post(self, request: Request, pk: int) -> Response:
        row: InAppMessage = services.in_app_mark_read(tenant_id=self.tenant_id, message_id=pk)
        return self.respond(row)


class InAppReadAll(TenantView):
    module = "notification.inbox"
    Input = Recipient

    class Output(serializers.Serializer):
        marked = serializers.IntegerField()

    def post(self, request: Request) -> Response:
        return self.respond({"marked": services.in_app_mark_all_read(
            tenant_id=self.tenant_id, **self.input())})


# -- public ---------------------------------------------------------------------------------
def callback_secret() -> bytes:
    secret = settings.NOTIFICATION_CALLBACK_SECRET
    if secret:
        return secret.encode()
    return salted_hmac("notification.callback", "secret").hexdigest().encode()


def callback_signature(body: bytes) -> str:
    return hmac.new(callback_secret(), body, hashlib.sha256).hexdigest()


class ProviderStatus(PublicView):
    """A provider's delivery report: {message_id, status: delivered|failed, detail}, signed
    with X-Smart360-Signature (hex HMAC-SHA256 of the body)."""

    throttle_scope = "anon"
    errors = (403,)

    class Input(serializers.Serializer):
        message_id = serializers.CharField(max_length=200)
        status = serializers.ChoiceField(["delivered", "failed"])
        detail = serializers.CharField(max_length=500, required=False, allow_blank=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()

    def post(self, request: Request, provider: str) -> Response:
        body = request._request.body
        given = request.headers.get("X-Smart360-Signature", "")
        if not hmac.compare_digest(given, callback_signature(body)):
            raise PermissionDenied("Bad or missing X-Smart360-Signature.")
        data: dict[str, Any] = self.input()
        delivery = services.delivery_status_callback(provider_name=provider, payload=data)
        return self.respond(delivery)


class Unsubscribe(PublicView):
    """The link in marketing mail: GET says what it unsubscribes from, POST does it (one click,
    RFC 8058)."""

    throttle_scope = "anon"

    class Output(serializers.Serializer):
        channel = serializers.CharField()
        category = serializers.CharField()
        unsubscribed = serializers.BooleanField()

    def get(self, request: Request, token: str) -> Response:
        data = services.unsubscribe_read(token)
        return self.respond({"channel": data["channel"], "category": data["category"],
                             "unsubscribed": False})

    def post(self, request: Request, token: str) -> Response:
        return self.respond(services.unsubscribe(token))
