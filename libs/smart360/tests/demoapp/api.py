"""Widgets: the toolkit's example endpoints, for the library's own tests."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from demoapp.models import Widget
from smart360.api import TenantListView, TenantView
from smart360.domain.states import StateMachine
from smart360.errors import NotFound

WIDGET = StateMachine("widget", {"DRAFT": ("ACTIVE",), "ACTIVE": ("RETIRED",)})


class WidgetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(Widget.Status.choices)
    price = serializers.DecimalField(max_digits=12, decimal_places=2)


class WidgetList(TenantListView):
    module = "demo.widgets"
    idempotent = True
    Output = WidgetOutput

    class Filters(serializers.Serializer):
        status = serializers.ChoiceField(Widget.Status.choices, required=False)

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    def get(self, request: Request) -> Response:
        return self.page(Widget.objects.filter(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(Widget.objects.create(tenant_id=self.tenant_id, **self.input()))


class WidgetDetail(TenantView):
    module = "demo.widgets"
    Output = WidgetOutput

    def get(self, request: Request, pk: int) -> Response:
        widget = Widget.objects.filter(tenant_id=self.tenant_id, pk=pk).first()
        if widget is None:
            raise NotFound("No such widget.")
        return self.respond(widget)


class WidgetActivate(TenantView):
    module = "demo.widgets"
    Output = WidgetOutput

    def post(self, request: Request, pk: int) -> Response:
        rows = Widget.objects.filter(tenant_id=self.tenant_id, pk=pk)
        WIDGET.move(rows, "ACTIVE", label=f"Widget {pk}")
        return self.respond(rows.get())
