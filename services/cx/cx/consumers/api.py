"""Consumers and accounts: consumers (create, search, detail with accounts, contact changes,
archive), accounts and the disconnections, reconnections and transfers asked of them."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cx import fields
from cx.consumers import selectors, services
from cx.consumers.models import Account, ConnectionRequest, Consumer
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound


class ConsumerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    locale = serializers.CharField()
    status = serializers.ChoiceField(Consumer.Status.choices)
    created_at = serializers.DateTimeField()


class AccountOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    consumer = serializers.IntegerField(source="consumer_id")
    status = serializers.ChoiceField(Account.Status.choices)
    utility_service = serializers.IntegerField()
    category = serializers.IntegerField()
    plan = serializers.IntegerField()
    area = serializers.IntegerField()
    premise = serializers.CharField()
    meter_serial = serializers.CharField()
    initial_reading = serializers.DecimalField(max_digits=14, decimal_places=3)
    connected_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()


class ConsumerDetailOutput(ConsumerOutput):
    accounts = AccountOutput(many=True, source="account_rows")


class ConnectionRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(ConnectionRequest.Kind.choices)
    status = serializers.ChoiceField(ConnectionRequest.Status.choices)
    origin = serializers.ChoiceField(ConnectionRequest.Origin.choices)
    account = serializers.CharField(source="account.number")
    permanent = serializers.BooleanField()
    to_consumer = serializers.IntegerField(source="to_consumer_id", allow_null=True)
    reason = serializers.CharField()
    request_key = serializers.CharField(help_text="The work order's key in wx.")
    outcome_notes = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


# -- consumers ---------------------------------------------------------------------------------
class ConsumerList(TenantListView):
    """Consumers normally arrive through applications; this creates one directly (CREATED)."""

    module = "cx.consumers"
    Output = ConsumerOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="Part of the name, or the exact number, email or phone.")
        status = serializers.ChoiceField(Consumer.Status.choices, required=False)

    class Input(serializers.Serializer):
        name = fields.person_name()
        email = fields.email(required=False, allow_blank=True, default="")
        phone = fields.phone(required=False, allow_blank=True, default="")
        number = serializers.RegexField(r"^[A-Za-z0-9-]{1,40}$", required=False, default="",
                                        allow_blank=True)
        locale = fields.locale(default="en")

    def get(self, request: Request) -> Response:
        return self.page(selectors.consumer_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.consumer_create(tenant_id=self.tenant_id, **self.input()))


class ConsumerDetail(TenantView):
    module = "cx.consumers"
    Output = ConsumerDetailOutput

    class Input(serializers.Serializer):
        """Contact details; each optional (`cx.consumer.updated` when one changes)."""

        name = fields.person_name(required=False)
        email = fields.email(required=False, allow_blank=True)
        phone = fields.phone(required=False, allow_blank=True)
        locale = fields.locale(required=False)

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(self._consumer(pk))

    def patch(self, request: Request, pk: int) -> Response:
        services.consumer_update(tenant_id=self.tenant_id, consumer_id=pk, **self.input())
        return self.respond(self._consumer(pk))

    def _consumer(self, pk: int) -> Consumer:
        consumer = selectors.consumer_detail(tenant_id=self.tenant_id, consumer_id=pk)
        if consumer is None:  # absent, or another tenant's: the same 404
            raise NotFound("No such consumer.")
        return consumer


class ConsumerArchive(TenantView):
    """PERMANENTLY_DISCONNECTED → ARCHIVED (with its permanently disconnected accounts)."""

    module = "cx.consumers"
    Output = ConsumerOutput

    def post(self, request: Request, pk: int) -> Response:
        return self.respond(services.consumer_archive(tenant_id=self.tenant_id, consumer_id=pk))


# -- accounts ----------------------------------------------------------------------------------
class AccountList(TenantListView):
    module = "cx.accounts"
    Output = AccountOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="The exact account number or meter serial, or part "
                                                 "of the premise or the consumer's name.")
        status = serializers.ChoiceField(Account.Status.choices, required=False)
        utility_service = fields.onboarding_id("utility service", required=False)
        area = fields.onboarding_id("area", required=False)
        plan = fields.onboarding_id("plan", required=False)
        consumer = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def get(self, request: Request) -> Response:
        return self.page(selectors.account_list(tenant_id=self.tenant_id, **self.filters()))


class AccountDetail(TenantView):
    module = "cx.accounts"
    Output = AccountOutput

    def get(self, request: Request, number: str) -> Response:
        account = selectors.account_detail(tenant_id=self.tenant_id, number=number)
        if account is None:
            raise NotFound(f"No such account {number}.")
        return self.respond(account)


class _ConnectionChange(TenantView):
    """A POST that asks wx for a work order on the account: 201 with the request."""

    module = "cx.accounts"
    idempotent = True
    post_status = 201
    Output = ConnectionRequestOutput


class AccountDisconnection(_ConnectionChange):
    """CONNECTED → TEMPORARILY_DISCONNECTED (or PERMANENTLY_DISCONNECTED), once the DISCONNECTION
    work order is completed."""

    class Input(serializers.Serializer):
        reason = fields.reason()
        permanent = serializers.BooleanField(default=False)

    def post(self, request: Request, number: str) -> Response:
        return self.respond(services.connection_request_create(
            tenant_id=self.tenant_id, account_number=number,
            kind=ConnectionRequest.Kind.DISCONNECTION, **self.input()))


class AccountReconnection(_ConnectionChange):
    """TEMPORARILY_DISCONNECTED → CONNECTED once the RECONNECTION work order is completed."""

    class Input(serializers.Serializer):
        reason = fields.reason()

    def post(self, request: Request, number: str) -> Response:
        return self.respond(services.connection_request_create(
            tenant_id=self.tenant_id, account_number=number,
            kind=ConnectionRequest.Kind.RECONNECTION, **self.input()))


class AccountTransfer(_ConnectionChange):
    """The account passes to another consumer once the TRANSFER work order (a final reading at
    the premise) is completed."""

    class Input(serializers.Serializer):
        consumer = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                            help_text="The new holder (create it first if new).")
        reason = fields.reason()

    def post(self, request: Request, number: str) -> Response:
        data = self.input()
        return self.respond(services.connection_request_create(
            tenant_id=self.tenant_id, account_number=number, kind=ConnectionRequest.Kind.TRANSFER,
            to_consumer_id=data["consumer"], reason=data["reason"]))


class ConnectionRequestList(TenantListView):
    module = "cx.accounts"
    Output = ConnectionRequestOutput

    class Filters(serializers.Serializer):
        kind = serializers.ChoiceField(ConnectionRequest.Kind.choices, required=False)
        status = serializers.ChoiceField(ConnectionRequest.Status.choices, required=False)
        origin = serializers.ChoiceField(ConnectionRequest.Origin.choices, required=False)
        account = serializers.CharField(required=False, max_length=40, help_text="Account number.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.connection_request_list(tenant_id=self.tenant_id, **self.filters()))


class ConnectionRequestDetail(TenantView):
    module = "cx.accounts"
    Output = ConnectionRequestOutput

    def get(self, request: Request, pk: int) -> Response:
        found = selectors.connection_request_detail(tenant_id=self.tenant_id, request_id=pk)
        if found is None:
            raise NotFound("No such connection request.")
        return self.respond(found)
