"""The communication hub's tables.

- Template: per (event type, channel, locale); tenant NULL = the platform default, a tenant's own
  row overrides it.
- Contact / ContactAccount: what notification knows of a person, projected from cx's events, so a
  payload only needs an account number or a consumer id.
- Preference: opt-out per contact, channel and category, honoured at send time.
- Message: an individual, bulk (an audience filter) or scheduled message written by a person.
- Delivery: one message to one address on one channel; its log (Activity) per recipient.
- InAppMessage: what the in-app channel delivered (the unread API reads it).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from smart360.django.models import TenantOwned


class Channel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    IN_APP = "in_app"


class Category(models.TextChoices):
    """What a message is about; a contact opts out per channel and category."""

    ACCOUNT = "account"  # welcome, activation, receipts
    BILLING = "billing"  # bills, reminders, final notices
    SERVICE = "service"  # work orders, tariff changes, cover expiry
    MARKETING = "marketing"  # campaigns: always carries an unsubscribe link


ANY = "*"  # a preference for every channel or every category


class Template(models.Model):
    """tenant_id NULL = the platform default; a tenant's own template overrides it."""

    tenant_id = models.UUIDField(null=True, blank=True)
    event_type = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    locale = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "event_type", "channel", "locale"],
                                    name="uniq_template", nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return f"{self.event_type}/{self.channel}/{self.locale}"


class Contact(TenantOwned):
    """A consumer as notification knows them (cx.consumer.created/updated, connection.activated)."""

    consumer_id = models.BigIntegerField()
    number = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    locale = models.CharField(max_length=10, default="en")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "consumer_id"], name="uniq_contact"),
        ]
        indexes = [models.Index(fields=["tenant_id", "number"], name="contact_number_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ContactAccount(TenantOwned):
    """account_number → contact (the holder); plan for audience filters (tariff notices)."""

    account_number = models.CharField(max_length=40)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="accounts")
    plan_id = models.BigIntegerField(null=True, blank=True)
    area_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "account_number"],
                                    name="uniq_contact_account"),
        ]

    def __str__(self) -> str:
        return self.account_number


class Preference(TenantOwned):
    """Opt-out of a channel for a category (`*` = every channel / every category)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="preferences")
    channel = models.CharField(max_length=10)
    category = models.CharField(max_length=20)
    opted_out = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "channel", "category"],
                                    name="uniq_preference"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.channel}/{self.category} out={self.opted_out}"


class Message(TenantOwned):
    """A message a person wrote: to some contacts (individual) or an audience (bulk), now or at
    `scheduled_at` (the beat job sends it)."""

    class Status(models.TextChoices):
        SCHEDULED = "SCHEDULED"
        PROCESSING = "PROCESSING"
        DONE = "DONE"
        CANCELLED = "CANCELLED"

    key = models.UUIDField(default=uuid.uuid4, unique=True)  # the deliveries' event_id
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    audience = models.JSONField(default=dict)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    recipients = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=254, blank=True)

    class Meta:
        indexes = [models.Index(fields=["scheduled_at"], condition=Q(status="SCHEDULED"),
                                name="message_due_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject} ({self.status})"


class Delivery(TenantOwned):
    class Status(models.TextChoices):
        QUEUED = "QUEUED"  # waiting for its send (or its retry at next_attempt_at)
        SENDING = "SENDING"  # claimed by a worker
        SENT = "SENT"  # the provider accepted it
        DELIVERED = "DELIVERED"  # the provider confirmed delivery (status callback)
        FAILED = "FAILED"  # the last attempt failed; retried at next_attempt_at
        DEAD = "DEAD"  # gave up (attempts exhausted or a permanent error); replayable
        CANCELLED = "CANCELLED"  # cancelled before it was sent
        SUPPRESSED = "SUPPRESSED"  # the contact opted out of this channel and category

    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.ACCOUNT)
    recipient = models.CharField(max_length=254)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="deliveries")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="deliveries")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A document the mail attaches, as a gateway path fetched at send time (bx's bill PDF);
    # empty = none. Only email deliveries carry one; the other channels keep the link.
    attachment = models.CharField(max_length=300, blank=True, default="")
    provider = models.CharField(max_length=40, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One message per event, channel and recipient, however often the event arrives.
            models.UniqueConstraint(fields=["event_id", "channel", "recipient"],
                                    name="uniq_delivery")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=["QUEUED", "FAILED"]),
                         name="delivery_due_idx"),
            models.Index(fields=["tenant_id", "recipient"], name="delivery_recipient_idx"),
            models.Index(fields=["provider", "provider_message_id"], name="delivery_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.recipient} ({self.status})"


class Activity(models.Model):
    """What happened to a recipient's deliveries, in order (the activity log)."""

    tenant_id = models.UUIDField()
    recipient = models.CharField(max_length=254)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="activity")
    status = models.CharField(max_length=10)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tenant_id", "recipient", "id"], name="activity_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.status}"


class InAppMessage(TenantOwned):
    """What the in-app channel delivered to a consumer (recipient = the consumer number)."""

    recipient = models.CharField(max_length=254)
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="in_app")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant_id", "recipient"], condition=Q(read_at=None),
                                name="in_app_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
