"""Reads of rx: accounts with their live aging, ledgers, payments, aging and collection rate,
dunning cases, agreements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from rx.collections.models import (
    ZERO,
    Account,
    AgingSnapshot,
    Agreement,
    CreditNote,
    DunningCase,
    DunningPolicy,
    LedgerEntry,
    Payment,
    Receivable,
    Refund,
)
from smart360.domain.tenants import tenant_today
from smart360.errors import NotFound


def risk_of(oldest_due: date | None, today: date) -> str:
    """By the oldest unpaid due date: <= 30 days past it LOW, 31-60 MEDIUM, 61-90 HIGH, > 90
    CRITICAL (not yet due, or nothing unpaid: LOW)."""
    days = (today - oldest_due).days if oldest_due else 0
    if days <= 30:
        return "LOW"
    if days <= 60:
        return "MEDIUM"
    return "HIGH" if days <= 90 else "CRITICAL"


def bucket_of(due: date, today: date) -> str:
    days = (today - due).days
    if days <= 30:
        return "current"
    if days <= 60:
        return "d31_60"
    return "d61_90" if days <= 90 else "d90_plus"


@dataclass
class AccountView:
    number: str
    name: str
    balance: Decimal
    credit: Decimal
    overdue: Decimal
    risk: str
    oldest_due_date: date | None
    as_of: date
    aging: dict[str, Decimal] = field(default_factory=dict)
    dunning_stage: str | None = None


def account_get(*, tenant_id: uuid.UUID, number: str, as_of: date | None = None) -> AccountView:
    """One account, aged live as of `as_of` (default the tenant's today): three queries."""
    account = Account.objects.filter(tenant_id=tenant_id, number=number).first()
    if account is None:
        raise NotFound(f"No such account: {number}.")
    today = as_of or tenant_today(tenant_id)
    aging = {"current": ZERO, "d31_60": ZERO, "d61_90": ZERO, "d90_plus": ZERO}
    overdue, oldest = ZERO, None
    for due, outstanding in Receivable.objects.filter(
            tenant_id=tenant_id, account_number=number, amount_outstanding__gt=0
    ).values_list("due_on", "amount_outstanding"):
        aging[bucket_of(due, today)] += outstanding
        if due < today:
            overdue += outstanding
        oldest = due if oldest is None or due < oldest else oldest
    stage = (DunningCase.objects.filter(tenant_id=tenant_id, account_number=number)
             .order_by("-id").values_list("stage", flat=True).first())
    return AccountView(number=account.number, name=account.name, balance=account.balance,
                       credit=account.credit, overdue=overdue, risk=risk_of(oldest, today),
                       oldest_due_date=oldest, as_of=today, aging=aging, dunning_stage=stage)


def account_list(*, tenant_id: uuid.UUID, risk: str | None = None) -> QuerySet[Account]:
    rows = Account.objects.filter(tenant_id=tenant_id)
    return rows.filter(risk=risk) if risk else rows


def _known(tenant_id: uuid.UUID, number: str) -> None:
    if not Account.objects.filter(tenant_id=tenant_id, number=number).exists():
        raise NotFound(f"No such account: {number}.")


def ledger(*, tenant_id: uuid.UUID, number: str) -> QuerySet[LedgerEntry]:
    _known(tenant_id, number)
    return LedgerEntry.objects.filter(tenant_id=tenant_id, account_number=number)


def payment_list(*, tenant_id: uuid.UUID, account: str | None = None) -> QuerySet[Payment]:
    rows = Payment.objects.filter(tenant_id=tenant_id)
    return rows.filter(account_number=account) if account else rows


def payment_get(*, tenant_id: uuid.UUID, payment_id: int) -> Payment:
    found = Payment.objects.filter(tenant_id=tenant_id, pk=payment_id).first()
    if found is None:
        raise NotFound("No such payment.")
    return found


def receipt_get(*, tenant_id: uuid.UUID, number: str) -> Payment:
    found = Payment.objects.filter(tenant_id=tenant_id, receipt_number=number).first()
    if found is None:
        raise NotFound(f"No such receipt: {number}.")
    return found


def refund_list(*, tenant_id: uuid.UUID, account: str | None = None) -> QuerySet[Refund]:
    rows = Refund.objects.filter(tenant_id=tenant_id)
    return rows.filter(account_number=account) if account else rows


def credit_note_list(*, tenant_id: uuid.UUID, account: str | None = None) -> QuerySet[CreditNote]:
    rows = CreditNote.objects.filter(tenant_id=tenant_id)
    return rows.filter(account_number=account) if account else rows


def aging_summary(*, tenant_id: uuid.UUID, as_of: date | None = None) -> dict[str, Any]:
    """The tenant's receivables by age, live, in one aggregate query."""
    today = as_of or tenant_today(tenant_id)

    def ago(days: int) -> date:
        try:
            return today - timedelta(days=days)
        except OverflowError:  # an as_of in year 1
            return date.min

    def band(lo: int | None, hi: int | None) -> Any:
        q = Q()
        if lo is not None:
            q &= Q(due_on__lt=ago(lo))
        if hi is not None:
            q &= Q(due_on__gte=ago(hi))
        return Sum("amount_outstanding", filter=q, default=ZERO)

    totals = Receivable.objects.filter(tenant_id=tenant_id, amount_outstanding__gt=0).aggregate(
        outstanding=Sum("amount_outstanding", default=ZERO),
        overdue=Sum("amount_outstanding", filter=Q(due_on__lt=today), default=ZERO),
        current=band(None, 30), d31_60=band(30, 60), d61_90=band(60, 90), d90_plus=band(90, None))
    return {"as_of": today, "outstanding": totals["outstanding"], "overdue": totals["overdue"],
            "aging": {k: totals[k] for k in ("current", "d31_60", "d61_90", "d90_plus")}}


def aging_snapshots(*, tenant_id: uuid.UUID) -> QuerySet[AgingSnapshot]:
    return AgingSnapshot.objects.filter(tenant_id=tenant_id)


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    if first.month == 12:
        return first, first.replace(day=31)
    return first, first.replace(month=first.month + 1) - timedelta(days=1)


def collection_rate(*, tenant_id: uuid.UUID, period_start: date | None = None,
                    period_end: date | None = None, month: date | None = None) -> dict[str, Any]:
    """Collected ÷ billed for the bills issued in the period (default: the tenant's current
    month): how much of what was billed then has been paid (or credited) since. Voided bills
    do not count. `rate` is None when nothing was billed (0 would read as "nobody paid")."""
    if period_start is None or period_end is None:
        first, last = month_bounds(period_start or period_end or month or tenant_today(tenant_id))
        period_start, period_end = period_start or first, period_end or last
    totals = Receivable.objects.filter(
        tenant_id=tenant_id, billed_on__gte=period_start, billed_on__lte=period_end,
        voided_at__isnull=True,
    ).aggregate(billed=Sum("amount_billed", default=ZERO),
                outstanding=Sum("amount_outstanding", default=ZERO))
    billed: Decimal = totals["billed"]
    collected = billed - totals["outstanding"]
    received = Payment.objects.filter(
        tenant_id=tenant_id, received_at__date__gte=period_start, received_at__date__lte=period_end,
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
    rate = (collected / billed).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if billed else None
    return {"period_start": period_start, "period_end": period_end, "billed": billed,
            "collected": collected, "rate": rate, "payments_received": received}


def dunning_current(*, tenant_id: uuid.UUID, account: str) -> DunningCase | dict[str, Any]:
    """The account's latest dunning case (an open one, else the last closed), or stage None."""
    _known(tenant_id, account)
    case = DunningCase.objects.filter(tenant_id=tenant_id, account_number=account).order_by("-id").first()
    if case is not None:
        return case
    return {"id": None, "account_number": account, "stage": None, "opened_on": None,
            "reminder_on": None, "final_notice_on": None, "agreement_on": None,
            "disconnection_on": None, "closed_on": None}


def dunning_cases(*, tenant_id: uuid.UUID, stage: str | None = None,
                  account: str | None = None) -> QuerySet[DunningCase]:
    rows = DunningCase.objects.filter(tenant_id=tenant_id)
    if stage:
        rows = rows.filter(stage=stage)
    return rows.filter(account_number=account) if account else rows


def dunning_policy(*, tenant_id: uuid.UUID) -> DunningPolicy:
    return DunningPolicy.objects.filter(tenant_id=tenant_id).first() or DunningPolicy(tenant_id=tenant_id)


def agreement_list(*, tenant_id: uuid.UUID, account: str | None = None) -> QuerySet[Agreement]:
    rows = Agreement.objects.filter(tenant_id=tenant_id).prefetch_related("installments")
    return rows.filter(account_number=account) if account else rows


def agreement_get(*, tenant_id: uuid.UUID, agreement_id: int) -> Agreement:
    found = agreement_list(tenant_id=tenant_id).filter(pk=agreement_id).first()
    if found is None:
        raise NotFound("No such agreement.")
    return found
