"""rx API (FLOW-API §4): accounts with balance, aging and risk, ledgers, payments and receipts,
refunds, credit notes, adjustments, aging and collection rate, dunning, agreements. Shapes only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from rx.collections import selectors, services
from rx.collections.models import DunningCase, LedgerEntry, Risk
from smart360.api import TenantListView, TenantView


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def positive(**kwargs: Any) -> serializers.DecimalField:
    return money(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), **kwargs)


ACCOUNT = serializers.CharField(max_length=40)
AMOUNT_RULE = "amount is a decimal string greater than 0 (at most 2 places)"


# -- accounts -----------------------------------------------------------------------------------
class AgingOutput(serializers.Serializer):
    current = money(help_text="Not yet due, or up to 30 days past due.")
    d31_60 = money()
    d61_90 = money()
    d90_plus = money()


class AccountOutput(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    balance = money(help_text="What the account owes: unpaid bills minus unapplied credit.")
    credit = money(help_text="Paid in and not yet applied to a bill.")
    overdue = money(help_text="Unpaid amounts past their due date.")
    risk = serializers.ChoiceField(Risk.choices)
    oldest_due_date = serializers.DateField(allow_null=True)
    as_of = serializers.DateField()
    aging = AgingOutput()
    dunning_stage = serializers.CharField(allow_null=True, help_text="The stage of its dunning case "
                                          "(see dunning/?account=), null when never in dunning.")


class AsOf(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Age as of this date (default: today).")


class AccountDetail(TenantView):
    module = "rx.accounts"
    Output = AccountOutput
    Filters = AsOf

    def get(self, request: Request, number: str) -> Response:
        return self.respond(selectors.account_get(tenant_id=self.tenant_id, number=number,
                                                  **self.filters()))


class AccountList(TenantListView):
    module = "rx.accounts"

    class Output(serializers.Serializer):
        number = serializers.CharField()
        name = serializers.CharField()
        balance = money()
        credit = money()
        overdue = money(help_text="As of the last aging run.")
        risk = serializers.ChoiceField(Risk.choices, help_text="As of the last aging run.")

    class Filters(serializers.Serializer):
        risk = serializers.ChoiceField(Risk.choices, required=False)

    def get(self, request: Request) -> Response:
        return self.page(selectors.account_list(tenant_id=self.tenant_id, **self.filters()))


class LedgerList(TenantListView):
    module = "rx.accounts"
    ordering = "id"  # the ledger reads forwards

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.ChoiceField(LedgerEntry.Kind.choices)
        amount = money(help_text="Its effect on the balance: + owes more (a bill), - less (a payment).")
        balance_after = money()
        reference = serializers.CharField()
        at = serializers.DateTimeField()

    def get(self, request: Request, number: str) -> Response:
        return self.page(selectors.ledger(tenant_id=self.tenant_id, number=number))


# -- payments -----------------------------------------------------------------------------------
class AllocationOutput(serializers.Serializer):
    bill = serializers.CharField()
    amount = money()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.CharField(source="account_number")
    amount = money()
    method = serializers.CharField()
    channel = serializers.CharField()
    reference = serializers.CharField()
    receipt_number = serializers.CharField()
    received_at = serializers.DateTimeField()
    allocations = AllocationOutput(many=True)
    unapplied = money(help_text="What stayed on the account as credit.")
    balance_after = money()


class AccountFilter(serializers.Serializer):
    account = serializers.CharField(max_length=40, required=False)


class PaymentList(TenantListView):
    module = "rx.payments"
    Output = PaymentOutput
    Filters = AccountFilter
    idempotent = True
    errors = (404,)
    rules = (AMOUNT_RULE,)

    class Input(serializers.Serializer):
        account = ACCOUNT
        amount = positive()
        method = serializers.CharField(max_length=30)
        reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        channel = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.payment_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.payment_create(tenant_id=self.tenant_id, **self.input()))


class PaymentDetail(TenantView):
    module = "rx.payments"
    Output = PaymentOutput

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(selectors.payment_get(tenant_id=self.tenant_id, payment_id=pk))


class ReceiptDetail(TenantView):
    """A receipt is its payment, found by the receipt number."""

    module = "rx.payments"
    Output = PaymentOutput

    def get(self, request: Request, number: str) -> Response:
        return self.respond(selectors.receipt_get(tenant_id=self.tenant_id, number=number))


class RefundList(TenantListView):
    module = "rx.payments"
    Filters = AccountFilter
    idempotent = True
    errors = (404, 409)
    rules = (AMOUNT_RULE,)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        account = serializers.CharField(source="account_number")
        amount = money()
        method = serializers.CharField()
        reference = serializers.CharField()
        reason = serializers.CharField()
        refunded_at = serializers.DateTimeField()
        balance_after = money()

    class Input(serializers.Serializer):
        account = ACCOUNT
        amount = positive()
        method = serializers.CharField(max_length=30)
        reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    def get(self, request: Request) -> Response:
        return self.page(selectors.refund_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.refund_create(tenant_id=self.tenant_id, **self.input()))


class CreditNoteList(TenantListView):
    module = "rx.payments"
    Filters = AccountFilter
    idempotent = True
    errors = (404,)
    rules = (AMOUNT_RULE,)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        account = serializers.CharField(source="account_number")
        amount = money()
        bill = serializers.CharField(source="bill_ref")
        reason = serializers.CharField()
        issued_at = serializers.DateTimeField()
        balance_after = money()

    class Input(serializers.Serializer):
        account = ACCOUNT
        amount = positive()
        reason = serializers.CharField(max_length=300)
        bill = serializers.CharField(max_length=60, required=False, default="", allow_blank=True,
                                     help_text="Apply to this bill first.")

    def get(self, request: Request) -> Response:
        return self.page(selectors.credit_note_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.credit_note_create(tenant_id=self.tenant_id, **self.input()))


class AdjustmentCreate(TenantView):
    module = "rx.payments"
    idempotent = True
    post_status = 201
    errors = (404,)
    rules = ("amount is a decimal string, not 0 (positive: a debit; negative: a credit)",)

    class Output(serializers.Serializer):
        number = serializers.CharField()
        account = serializers.CharField()
        amount = money()
        balance_after = money()
        reason = serializers.CharField()

    class Input(serializers.Serializer):
        account = ACCOUNT
        amount = money(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"))
        reason = serializers.CharField(max_length=300)
        due_in_days = serializers.IntegerField(min_value=0, max_value=120, default=0)

    def post(self, request: Request) -> Response:
        return self.respond(services.adjustment_create(tenant_id=self.tenant_id, **self.input()))


# -- aging, collection rate ---------------------------------------------------------------------
class AgingView(TenantView):
    module = "rx.accounts"
    Filters = AsOf

    class Output(serializers.Serializer):
        as_of = serializers.DateField()
        outstanding = money()
        overdue = money()
        aging = AgingOutput()

    def get(self, request: Request) -> Response:
        return self.respond(selectors.aging_summary(tenant_id=self.tenant_id, **self.filters()))


class AgingSnapshotList(TenantListView):
    module = "rx.accounts"

    class Output(serializers.Serializer):
        as_of = serializers.DateField()
        accounts = serializers.IntegerField()
        balance = money()
        overdue = money()
        current = money()
        d31_60 = money()
        d61_90 = money()
        d90_plus = money()
        low = serializers.IntegerField()
        medium = serializers.IntegerField()
        high = serializers.IntegerField()
        critical = serializers.IntegerField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.aging_snapshots(tenant_id=self.tenant_id))


class CollectionRateView(TenantView):
    """Collected ÷ billed for the bills issued in a period. Without dates: the tenant's month;
    with one of them: that date's month."""

    module = "rx.accounts"

    class Filters(serializers.Serializer):
        period_start = serializers.DateField(required=False)
        period_end = serializers.DateField(required=False)

    class Output(serializers.Serializer):
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        billed = money(help_text="Bills issued in the period (voided ones left out).")
        collected = money(help_text="What of those bills has been paid or credited since.")
        rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True,
                                        help_text="collected ÷ billed; null when nothing was billed.")
        payments_received = money(help_text="All payments received in the period.")

    def get(self, request: Request) -> Response:
        return self.respond(selectors.collection_rate(tenant_id=self.tenant_id, **self.filters()))


# -- dunning ------------------------------------------------------------------------------------
class DunningOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    account = serializers.CharField(source="account_number")
    stage = serializers.ChoiceField(DunningCase.Stage.choices, allow_null=True,
                                    help_text="null: the account was never in dunning.")
    opened_on = serializers.DateField(allow_null=True)
    reminder_on = serializers.DateField(allow_null=True)
    final_notice_on = serializers.DateField(allow_null=True)
    agreement_on = serializers.DateField(allow_null=True)
    disconnection_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)


class DunningView(TenantView):
    """The account's dunning stage: its open case, else its last one (FLOW-API §4)."""

    module = "rx.dunning"
    Output = DunningOutput

    class Filters(serializers.Serializer):
        account = serializers.CharField(max_length=40)

    def get(self, request: Request) -> Response:
        return self.respond(selectors.dunning_current(tenant_id=self.tenant_id, **self.filters()))


class DunningCaseList(TenantListView):
    module = "rx.dunning"
    Output = DunningOutput

    class Filters(serializers.Serializer):
        stage = serializers.ChoiceField(DunningCase.Stage.choices, required=False)
        account = serializers.CharField(max_length=40, required=False)

    def get(self, request: Request) -> Response:
        return self.page(selectors.dunning_cases(tenant_id=self.tenant_id, **self.filters()))


class DunningPolicyView(TenantView):
    module = "rx.dunning"

    class Output(serializers.Serializer):
        reminder_after_days = serializers.IntegerField(help_text="Days past the oldest due date.")
        final_notice_after_days = serializers.IntegerField(help_text="Days after the reminder.")
        disconnect_after_days = serializers.IntegerField(help_text="Days after the final notice.")

    class Input(serializers.Serializer):
        reminder_after_days = serializers.IntegerField(min_value=0, max_value=365)
        final_notice_after_days = serializers.IntegerField(min_value=0, max_value=365)
        disconnect_after_days = serializers.IntegerField(min_value=0, max_value=365)

    def get(self, request: Request) -> Response:
        return self.respond(selectors.dunning_policy(tenant_id=self.tenant_id))

    def put(self, request: Request) -> Response:
        return self.respond(services.dunning_policy_set(tenant_id=self.tenant_id, **self.input()))


# -- agreements ---------------------------------------------------------------------------------
class InstallmentOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    due_on = serializers.DateField()
    amount = money()


class AgreementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.CharField(source="account_number")
    amount = money()
    created_on = serializers.DateField()
    installments = InstallmentOutput(many=True, source="installments.all")


class AgreementList(TenantListView):
    module = "rx.agreements"
    Output = AgreementOutput
    Filters = AccountFilter
    idempotent = True
    errors = (404, 409)
    rules = (AMOUNT_RULE, "amount at most the account's balance", "each installment at least 0.01",
             "first_due_on between 2000-01-01 and 2999-12-31")

    class Input(serializers.Serializer):
        account = ACCOUNT
        installments = serializers.IntegerField(min_value=1, max_value=60)
        first_due_on = serializers.DateField(help_text="2000-01-01 to 2999-12-31.")
        amount = positive(required=False, help_text="Default: what is overdue.")

        def validate_first_due_on(self, value: date) -> date:
            if not date(2000, 1, 1) <= value <= date(2999, 12, 31):
                raise serializers.ValidationError("between 2000-01-01 and 2999-12-31")
            return value

    def get(self, request: Request) -> Response:
        return self.page(selectors.agreement_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        agreement = services.agreement_create(tenant_id=self.tenant_id, **self.input())
        return self.respond(selectors.agreement_get(tenant_id=self.tenant_id, agreement_id=agreement.pk))


class AgreementDetail(TenantView):
    module = "rx.agreements"
    Output = AgreementOutput

    def get(self, request: Request, pk: int) -> Response:
        return self.respond(selectors.agreement_get(tenant_id=self.tenant_id, agreement_id=pk))



