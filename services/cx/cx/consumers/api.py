"""Consumers API: create (publishes cx.consumer.created), list with search, detail."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cx.consumers import selectors, services
from cx.consumers.models import Consumer
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


class ConsumerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    status = serializers.ChoiceField(Consumer.Status.choices)
    created_at = serializers.DateTimeField()


class ConsumerList(TenantListView):
    module = "cx.consumers"
    Output = ConsumerOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="Part of the name, or the exact number.")
        status = serializers.ChoiceField(Consumer.Status.choices, required=False)

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
        phone = serializers.RegexField(r"^\+?[0-9 ()-]{4,32}$", max_length=32, required=False,
                                       allow_blank=True, default="")
        number = serializers.RegexField(r"^[A-Za-z0-9-]{1,40}$", required=False, default="",
                                        allow_blank=True)
        locale = serializers.ChoiceField(["en", "es", "fr", "pt"], default="en")

    def get(self, request: Request) -> Response:
        return self.page(selectors.consumer_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.consumer_create(tenant_id=self.tenant_id, **self.input()))


class ConsumerDetail(TenantView):
    module = "cx.consumers"
    Output = ConsumerOutput

    def get(self, request: Request, pk: int) -> Response:
        consumer = selectors.consumer_detail(tenant_id=self.tenant_id, consumer_id=pk)
        if consumer is None:  # absent, or another tenant's: the same 404
            raise NotFound("No such consumer.")
        return self.respond(consumer)
