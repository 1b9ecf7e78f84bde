"""Delivery log and templates, tenant-scoped."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from notification.messaging import selectors
from notification.messaging.models import Channel, Delivery
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    event_type = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices)
    recipient = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(Delivery.Status.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class DeliveryList(TenantListView):
    module = "notification.deliveries"
    Output = DeliveryOutput

    class Filters(serializers.Serializer):
        recipient = serializers.CharField(required=False, max_length=254)
        status = serializers.ChoiceField(Delivery.Status.choices, required=False)
        event_type = serializers.CharField(required=False, max_length=100)

    def get(self, request: Request) -> Response:
        return self.page(selectors.delivery_list(tenant_id=self.tenant_id, **self.filters()))


class DeliveryDetail(TenantView):
    module = "notification.deliveries"
    Output = DeliveryOutput

    def get(self, request: Request, pk: int) -> Response:
        delivery = selectors.delivery_list(tenant_id=self.tenant_id).filter(pk=pk).first()
        if delivery is None:
            raise NotFound("No such delivery.")
        return self.respond(delivery)


class TemplateList(TenantListView):
    """The templates this tenant sends with: its own, and the platform's it has not replaced."""

    module = "notification.templates"

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        tenant_id = serializers.UUIDField(allow_null=True)
        event_type = serializers.CharField()
        channel = serializers.ChoiceField(Channel.choices)
        locale = serializers.CharField()
        subject = serializers.CharField()
        body = serializers.CharField()
        is_active = serializers.BooleanField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.template_list(tenant_id=self.tenant_id))
