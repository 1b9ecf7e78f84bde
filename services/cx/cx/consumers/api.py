"""Consumers API: create (publishes cx.consumer.created), list, detail; tenant-scoped."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cx.consumers import selectors, services
from cx.consumers.models import Consumer
from smart360.django.serializers import ModelSerializer
from smart360.identity.permissions import ModulePermission
from smart360.identity.tenancy import TenantScoped


class ConsumerOut(ModelSerializer):
    class Meta:
        model = Consumer
        fields = list(selectors.DETAIL_FIELDS)  # the detail read returns exactly these


class ConsumerIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(r"^\+?[0-9 ()-]{4,32}$", max_length=32, required=False,
                                   allow_blank=True, default="")
    number = serializers.RegexField(r"^[A-Za-z0-9-]{1,40}$", required=False, default="",
                                    allow_blank=True)
    locale = serializers.ChoiceField(["en", "es", "fr", "pt"], default="en")


class _Base(TenantScoped):
    permission_module = "cx.consumers"

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), ModulePermission()]  # type: ignore[misc]


class ConsumerList(_Base, generics.ListAPIView):
    serializer_class = ConsumerOut

    def get_queryset(self) -> Any:
        return selectors.consumers(tenant_id=self.tenant_id,
                                   search=self.request.query_params.get("search", "")[:100])

    @extend_schema(parameters=[OpenApiParameter("search", str)], tags=["consumers"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ConsumerIn, responses={201: ConsumerOut}, tags=["consumers"])
    def post(self, request: Request) -> Response:
        data = ConsumerIn(data=request.data)
        data.is_valid(raise_exception=True)
        consumer = services.consumer_create(tenant_id=self.tenant_id, **data.validated_data)
        return Response(ConsumerOut(consumer).data, status=status.HTTP_201_CREATED)


class ConsumerDetail(_Base, APIView):
    @extend_schema(responses=ConsumerOut, tags=["consumers"])
    def get(self, request: Request, pk: int) -> Response:
        consumer = selectors.consumer_detail(tenant_id=self.tenant_id, consumer_id=pk)
        if consumer is None:  # absent, or another tenant's: the same 404
            raise NotFound("No such consumer.")
        return Response(consumer)
