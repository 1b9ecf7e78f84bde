"""Delivery log and templates (read-only for now), tenant-scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rest_framework import generics

from notification.messaging.models import Delivery, Template
from smart360.django.serializers import ModelSerializer
from smart360.identity.tenancy import TenantScoped, tenant_of


class DeliveryOut(ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "event_id", "event_type", "channel", "recipient", "subject", "status",
                  "attempts", "next_attempt_at", "last_error", "sent_at", "created_at"]


class DeliveryList(TenantScoped, generics.ListAPIView):
    serializer_class = DeliveryOut
    queryset = Delivery.objects.all()


class DeliveryDetail(TenantScoped, generics.RetrieveAPIView):
    serializer_class = DeliveryOut
    queryset = Delivery.objects.all()


class TemplateOut(ModelSerializer):
    class Meta:
        model = Template
        fields = ["id", "tenant_id", "event_type", "channel", "locale", "subject", "body",
                  "is_active"]


class TemplateList(generics.ListAPIView):
    serializer_class = TemplateOut
    pagination_class = None  # a handful per tenant

    def get_queryset(self) -> Any:
        tenant = tenant_of(self.request)
        return Template.objects.filter(Q(tenant_id__isnull=True) | Q(tenant_id=tenant)).order_by(
            "event_type", "channel", "locale"
        )
