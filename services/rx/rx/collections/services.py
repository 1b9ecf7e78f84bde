"""Writes of rx: the ledger (bills and voids from bx, payments, refunds, credit notes,
adjustments), the nightly aging snapshot and dunning, payment agreements.

Every write that changes an account's money locks its Account row first (SELECT … FOR UPDATE),
so two payments on one account queue instead of both allocating the same bill.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone

from rx.collections.models import (
    ZERO,
    Account,
    AgingSnapshot,
    Agreement,
    CreditNote,
    DunningCase,
    DunningPolicy,
    Installment,
    LedgerEntry,
    Payment,
    Receivable,
    Refund,
)
from smart360.contracts.bx import BillIssued, BillVoided
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.rx import AccountOverdue, Allocation, PaymentReceived, ReminderDue
from smart360.domain.models import TenantProfile
from smart360.domain.money import money
from smart360.domain.numbering import Format, number_take
from smart360.domain.states import StateMachine
from smart360.domain.tenants import tenant_today
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish, publish_many

Kind = LedgerEntry.Kind
Stage = DunningCase.Stage

RECEIPT = Format("RCPT", "YYYYMM", 6)
REFUND = Format("RFD", "YYYYMM", 6)
CREDIT_NOTE = Format("CN", "YYYYMM", 6)
ADJUSTMENT = Format("ADJ", "YYYYMM", 6)

DUNNING = StateMachine("dunning case", {
    Stage.REQUIRED: (Stage.REMINDER_SENT, Stage.AGREEMENT_CREATED, Stage.CLOSED),
    Stage.REMINDER_SENT: (Stage.FINAL_NOTICE, Stage.AGREEMENT_CREATED, Stage.CLOSED),
    Stage.FINAL_NOTICE: (Stage.AGREEMENT_CREATED, Stage.DISCONNECTION_REQUESTED, Stage.CLOSED),
    Stage.AGREEMENT_CREATED: (Stage.CLOSED,),
    Stage.DISCONNECTION_REQUESTED: (Stage.CLOSED,),
})


# -- projections --------------------------------------------------------------------------------
def account_open(*, tenant_id: uuid.UUID, event: ConnectionActivated) -> None:
    """cx.connection.activated: the ledger opens at 0 (or keeps what bills already posted)."""
    Account.objects.update_or_create(
        tenant_id=tenant_id, number=event.account_number,
        defaults={"account_id": event.account_id, "consumer_number": event.consumer_number,
                  "name": event.name, "email": event.email, "phone": event.phone,
                  "opened_at": event.connected_at})


def bills_post(*, bills: Sequence[tuple[uuid.UUID, BillIssued, datetime]]) -> int:
    """A batch of bx.bill.issued (any tenants) in a constant number of statements: accounts
    opened if new, locked, one receivable and one BILL entry per bill not seen before (a
    redelivered bill is skipped on its number), balances updated. An account's unapplied
    credit pays its new bills at once. Returns how many bills were posted."""
    if not bills:
        return 0
    tenants = {t for t, _, _ in bills}
    numbers = {b.account_number for _, b, _ in bills}
    refs = {b.number for _, b, _ in bills}
    def locked() -> dict[tuple[uuid.UUID, str], Account]:
        return {(a.tenant_id, a.number): a for a in Account.objects.select_for_update()
                .filter(tenant_id__in=tenants, number__in=numbers).order_by("pk")
                .only("pk", "tenant_id", "number", "balance", "credit")}

    accounts = locked()
    missing = {(t, b.account_number) for t, b, _ in bills} - accounts.keys()
    if missing:  # a bill before its cx.connection.activated: the account opens here
        Account.objects.bulk_create([Account(tenant_id=t, number=n) for t, n in missing],
                                    ignore_conflicts=True)
        accounts = locked()
    seen = set(Receivable.objects.filter(tenant_id__in=tenants, bill_ref__in=refs)
               .values_list("tenant_id", "bill_ref"))
    receivables: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    changed: dict[int, Account] = {}
    for tenant_id, bill, at in sorted(bills, key=lambda x: (str(x[0]), x[1].account_number,
                                                            x[1].due_date, x[1].number)):
        if (tenant_id, bill.number) in seen:
            continue
        seen.add((tenant_id, bill.number))
        account = accounts[(tenant_id, bill.account_number)]
        total = money(bill.total)
        applied = min(account.credit, total)
        account.credit -= applied
        account.balance += total
        changed[account.pk] = account
        receivables.append((tenant_id, bill.account_number, bill.number, bill.issued_on,
                            max(bill.due_date, bill.issued_on), total, total - applied))
        entries.append((tenant_id, bill.account_number, Kind.BILL, total, account.balance,
                        bill.number, at))
    _insert(Receivable, ["tenant_id", "account_number", "bill_ref", "billed_on", "due_on",
                         "amount_billed", "amount_outstanding"],
            ["uuid", "text", "text", "date", "date", "numeric", "numeric"], receivables,
            extra={"risk": "'LOW'"})
    _insert(LedgerEntry, ["tenant_id", "account_number", "kind", "amount", "balance_after", "reference",
                          "at"],
            ["uuid", "text", "text", "numeric", "numeric", "text", "timestamptz"], entries)
    _save_balances(changed.values())
    return len(receivables)


def _insert(model: type[Any], columns: list[str], types: list[str], rows: list[tuple[Any, ...]],
            extra: dict[str, str] | None = None) -> None:
    """One INSERT … SELECT FROM unnest(typed arrays): thousands of rows in one statement without
    Django quoting each value (bulk_create spent most of a batch's time there)."""
    if not rows:
        return
    extra = {"created_at": "now()", "updated_at": "now()", **(extra or {})}
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join([*columns, *extra])}) "  # noqa: S608
            f"SELECT *, {', '.join(extra.values())} FROM unnest({arrays}) ON CONFLICT DO NOTHING",
            [list(column) for column in zip(*rows, strict=True)])


def _save_balances(accounts: Iterable[Account]) -> None:
    """One UPDATE … FROM (VALUES …) for the accounts a write changed."""
    rows = [(a.pk, a.balance, a.credit) for a in accounts]
    if not rows:
        return
    table = Account._meta.db_table
    ids, balances, credits = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} a SET balance = v.balance, credit = v.credit, updated_at = now() "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) AS v(id, balance, credit) "
            "WHERE a.id = v.id", [ids, balances, credits])


def bill_void(*, tenant_id: uuid.UUID, event: BillVoided, at: datetime) -> bool:
    """bx.bill.voided: the bill's outstanding is cancelled and the whole credit posted; what had
    been paid on it becomes credit for the account's other bills. Once per bill number."""
    account = _lock(tenant_id, event.account_number, create=True)
    if LedgerEntry.objects.filter(tenant_id=tenant_id, kind=Kind.CREDIT, reference=event.number).exists():
        return False
    amount = money(event.credit_amount)
    receivable = (Receivable.objects.select_for_update()
                  .filter(tenant_id=tenant_id, bill_ref=event.number).first())
    rest = amount
    if receivable is not None:
        cancelled = min(receivable.amount_outstanding, amount)
        receivable.amount_outstanding -= cancelled
        receivable.voided_at = at
        receivable.save(update_fields=["amount_outstanding", "voided_at", "updated_at"])
        rest -= cancelled
    account.credit += rest
    account.balance -= amount
    _apply_credit(account)
    _entry(account, Kind.CREDIT, -amount, event.number, at)
    _save_balances([account])
    _close_dunning_if_clear(tenant_id, account.number)
    return True


# -- money in and out -----------------------------------------------------------------------------
def _lock(tenant_id: uuid.UUID, number: str, *, create: bool = False) -> Account:
    if create:
        Account.objects.bulk_create([Account(tenant_id=tenant_id, number=number)], ignore_conflicts=True)
    account = Account.objects.select_for_update().filter(tenant_id=tenant_id, number=number).first()
    if account is None:
        raise NotFound(f"No such account: {number}.")
    return account


def _apply_credit(account: Account, *, first: str | None = None) -> list[dict[str, Any]]:
    """Spend the account's unapplied credit on its unpaid bills, oldest due date first (bill
    `first` before all). Two statements whatever the number of bills."""
    if account.credit <= 0:
        return []
    open_bills = list(Receivable.objects.select_for_update()
                      .filter(tenant_id=account.tenant_id, account_number=account.number,
                              amount_outstanding__gt=0).order_by("due_on", "pk"))
    if first is not None:
        open_bills.sort(key=lambda r: r.bill_ref != first)
    allocations: list[dict[str, Any]] = []
    touched: list[Receivable] = []
    for receivable in open_bills:
        if account.credit <= 0:
            break
        paid = min(receivable.amount_outstanding, account.credit)
        receivable.amount_outstanding -= paid
        account.credit -= paid
        allocations.append({"bill": receivable.bill_ref, "amount": paid})
        touched.append(receivable)
    Receivable.objects.bulk_update(touched, ["amount_outstanding"])
    return allocations


def _entry(account: Account, kind: str, amount: Decimal, reference: str, at: datetime) -> None:
    LedgerEntry.objects.create(tenant_id=account.tenant_id, account_number=account.number, kind=kind,
                               amount=amount, balance_after=account.balance, reference=reference, at=at)


def _close_dunning_if_clear(tenant_id: uuid.UUID, number: str) -> int:
    """Close the account's open dunning case once nothing is overdue any more (one UPDATE)."""
    today = tenant_today(tenant_id)
    overdue = Receivable.objects.filter(tenant_id=tenant_id, account_number=number,
                                        amount_outstanding__gt=0, due_on__lt=today)
    return (DunningCase.objects.filter(tenant_id=tenant_id, account_number=number)
            .exclude(stage=Stage.CLOSED).filter(~Exists(overdue))
            .update(stage=Stage.CLOSED, closed_on=today, updated_at=timezone.now()))


def payment_create(*, tenant_id: uuid.UUID, account: str, amount: Decimal, method: str,
                   reference: str = "", channel: str = "") -> Payment:
    """Take a payment: allocated to the unpaid bills oldest first, the rest kept as credit;
    a receipt number; a PAYMENT entry; rx.payment.received. Clears dunning when nothing is
    overdue after it."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationFailed("amount: must be greater than 0", errors={"amount": "must be > 0"})
    with transaction.atomic():
        acc = _lock(tenant_id, account)
        now = timezone.now()
        acc.credit += amount
        acc.balance -= amount
        allocations = _apply_credit(acc)
        receipt = number_take(tenant_id=tenant_id, entity="receipt", on=tenant_today(tenant_id),
                              default=RECEIPT)
        payment = Payment.objects.create(
            tenant_id=tenant_id, account_number=acc.number, amount=amount, method=method,
            channel=channel, reference=reference, receipt_number=receipt, received_at=now,
            allocations=[{"bill": a["bill"], "amount": str(a["amount"])} for a in allocations],
            unapplied=amount - sum((a["amount"] for a in allocations), ZERO),
            balance_after=acc.balance)
        _entry(acc, Kind.PAYMENT, -amount, receipt, now)
        _save_balances([acc])
        _close_dunning_if_clear(tenant_id, acc.number)
        publish(PaymentReceived(
            payment_id=payment.pk, receipt_number=receipt, account_number=acc.number, amount=amount,
            method=method, reference=reference, received_at=now, balance_after=acc.balance,
            allocations=[Allocation(bill_number=a["bill"], amount=a["amount"]) for a in allocations],
            name=acc.name, email=acc.email),
            tenant_id=tenant_id)
    return payment


def refund_create(*, tenant_id: uuid.UUID, account: str, amount: Decimal, method: str,
                  reference: str = "", reason: str = "") -> Refund:
    """Pay back unapplied credit (an overpayment); more than the credit is a 409."""
    amount = money(amount)
    with transaction.atomic():
        acc = _lock(tenant_id, account)
        if amount > acc.credit:
            raise Conflict(f"Account {acc.number} has {acc.credit} of credit; {amount} cannot be "
                           "refunded.", code="insufficient_credit")
        now = timezone.now()
        acc.credit -= amount
        acc.balance += amount
        number = number_take(tenant_id=tenant_id, entity="refund", on=tenant_today(tenant_id),
                             default=REFUND)
        refund = Refund.objects.create(tenant_id=tenant_id, account_number=acc.number, number=number,
                                       amount=amount, method=method, reference=reference,
                                       reason=reason, refunded_at=now, balance_after=acc.balance)
        _entry(acc, Kind.REFUND, amount, number, now)
        _save_balances([acc])
    return refund


def credit_note_create(*, tenant_id: uuid.UUID, account: str, amount: Decimal, reason: str,
                       bill: str = "") -> CreditNote:
    """Credit an account (a goodwill credit, a billing correction): applied to `bill` first when
    given, then to the oldest unpaid bills; the rest stays as credit."""
    amount = money(amount)
    with transaction.atomic():
        acc = _lock(tenant_id, account)
        if bill and not Receivable.objects.filter(tenant_id=tenant_id, account_number=acc.number,
                                                  bill_ref=bill).exists():
            raise NotFound(f"No bill {bill} on account {acc.number}.")
        now = timezone.now()
        acc.credit += amount
        acc.balance -= amount
        _apply_credit(acc, first=bill or None)
        number = number_take(tenant_id=tenant_id, entity="credit_note", on=tenant_today(tenant_id),
                             default=CREDIT_NOTE)
        note = CreditNote.objects.create(tenant_id=tenant_id, account_number=acc.number, number=number,
                                         amount=amount, bill_ref=bill, reason=reason, issued_at=now,
                                         balance_after=acc.balance)
        _entry(acc, Kind.CREDIT, -amount, number, now)
        _save_balances([acc])
        _close_dunning_if_clear(tenant_id, acc.number)
    return note


@dataclass(frozen=True)
class Adjusted:
    number: str
    account: str
    amount: Decimal
    balance_after: Decimal
    reason: str


def adjustment_create(*, tenant_id: uuid.UUID, account: str, amount: Decimal, reason: str,
                      due_in_days: int = 0) -> Adjusted:
    """A manual correction: a positive amount is a debit (a receivable due in `due_in_days`),
    a negative one a credit applied like a payment."""
    amount = money(amount)
    if amount == 0:
        raise ValidationFailed("amount: must not be 0", errors={"amount": "must not be 0"})
    with transaction.atomic():
        acc = _lock(tenant_id, account)
        now = timezone.now()
        today = tenant_today(tenant_id)
        number = number_take(tenant_id=tenant_id, entity="adjustment", on=today, default=ADJUSTMENT)
        acc.balance += amount
        if amount > 0:
            applied = min(acc.credit, amount)
            acc.credit -= applied
            Receivable.objects.create(tenant_id=tenant_id, account_number=acc.number, bill_ref=number,
                                      billed_on=today, due_on=today + timedelta(days=due_in_days),
                                      amount_billed=amount, amount_outstanding=amount - applied)
        else:
            acc.credit -= amount
            _apply_credit(acc)
        _entry(acc, Kind.ADJUSTMENT, amount, number, now)
        _save_balances([acc])
        _close_dunning_if_clear(tenant_id, acc.number)
    return Adjusted(number=number, account=acc.number, amount=amount, balance_after=acc.balance,
                    reason=reason)


# -- nightly jobs: set-based over every account of every tenant ---------------------------------
def _today_cte(source: str) -> str:
    """`today(tenant_id, d)`: each tenant's date for the job: `as_of` when given, else today in
    the tenant's time zone (its projected profile; UTC when none)."""
    profile = TenantProfile._meta.db_table
    return (f"today AS (SELECT t.tenant_id, COALESCE(%(as_of)s::date, "  # noqa: S608
            f"(now() AT TIME ZONE COALESCE(p.timezone, 'UTC'))::date) AS d "
            f"FROM (SELECT DISTINCT tenant_id FROM {source}) t "
            f"LEFT JOIN {profile} p ON p.tenant_id = t.tenant_id)")


_RISK = ("CASE WHEN {oldest} IS NULL OR {oldest} >= t.d - 30 THEN 'LOW' "
         "WHEN {oldest} >= t.d - 60 THEN 'MEDIUM' WHEN {oldest} >= t.d - 90 THEN 'HIGH' "
         "ELSE 'CRITICAL' END")


def aging_refresh(*, as_of: date | None) -> dict[str, int]:
    """The nightly aging snapshot in three statements, whatever the number of accounts: each
    account's overdue, oldest unpaid due date, buckets and risk (only changed rows written),
    each receivable's risk, and one AgingSnapshot row per tenant for the date."""
    account, receivable = Account._meta.db_table, Receivable._meta.db_table
    snapshot = AgingSnapshot._meta.db_table
    params = {"as_of": as_of}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_today_cte(account)}, "  # noqa: S608
            "open AS (SELECT r.tenant_id, r.account_number, "
            "SUM(r.amount_outstanding) FILTER (WHERE r.due_on < t.d) AS overdue, "
            "MIN(r.due_on) AS oldest, "
            "SUM(r.amount_outstanding) FILTER (WHERE r.due_on >= t.d - 30) AS c0, "
            "SUM(r.amount_outstanding) FILTER (WHERE r.due_on < t.d - 30 AND r.due_on >= t.d - 60) AS c1, "
            "SUM(r.amount_outstanding) FILTER (WHERE r.due_on < t.d - 60 AND r.due_on >= t.d - 90) AS c2, "
            "SUM(r.amount_outstanding) FILTER (WHERE r.due_on < t.d - 90) AS c3 "
            f"FROM {receivable} r JOIN today t ON t.tenant_id = r.tenant_id "
            "WHERE r.amount_outstanding > 0 GROUP BY r.tenant_id, r.account_number), "
            "s AS (SELECT a.id, COALESCE(o.overdue, 0) AS overdue, o.oldest, "
            "COALESCE(o.c0, 0) AS c0, COALESCE(o.c1, 0) AS c1, COALESCE(o.c2, 0) AS c2, "
            f"COALESCE(o.c3, 0) AS c3, {_RISK.format(oldest='o.oldest')} AS risk "
            f"FROM {account} a JOIN today t ON t.tenant_id = a.tenant_id "
            "LEFT JOIN open o ON o.tenant_id = a.tenant_id AND o.account_number = a.number) "
            f"UPDATE {account} a SET overdue = s.overdue, oldest_due_on = s.oldest, risk = s.risk, "
            "aging_current = s.c0, aging_31_60 = s.c1, aging_61_90 = s.c2, aging_90_plus = s.c3, "
            "updated_at = now() FROM s WHERE a.id = s.id AND (a.overdue, a.oldest_due_on, a.risk, "
            "a.aging_current, a.aging_31_60, a.aging_61_90, a.aging_90_plus) IS DISTINCT FROM "
            "(s.overdue, s.oldest, s.risk, s.c0, s.c1, s.c2, s.c3)", params)
        accounts = cursor.rowcount
        receivables = _receivables_regrade(cursor, as_of)
        cursor.execute(
            f"WITH {_today_cte(account)} "  # noqa: S608
            f"INSERT INTO {snapshot} (tenant_id, as_of, accounts, balance, overdue, current, d31_60, "
            "d61_90, d90_plus, low, medium, high, critical, created_at, updated_at) "
            "SELECT a.tenant_id, t.d, count(*), SUM(a.balance), SUM(a.overdue), SUM(a.aging_current), "
            "SUM(a.aging_31_60), SUM(a.aging_61_90), SUM(a.aging_90_plus), "
            "count(*) FILTER (WHERE a.risk = 'LOW'), count(*) FILTER (WHERE a.risk = 'MEDIUM'), "
            "count(*) FILTER (WHERE a.risk = 'HIGH'), count(*) FILTER (WHERE a.risk = 'CRITICAL'), "
            f"now(), now() FROM {account} a JOIN today t ON t.tenant_id = a.tenant_id "
            "GROUP BY a.tenant_id, t.d ON CONFLICT (tenant_id, as_of) DO UPDATE SET "
            "accounts = EXCLUDED.accounts, balance = EXCLUDED.balance, overdue = EXCLUDED.overdue, "
            "current = EXCLUDED.current, d31_60 = EXCLUDED.d31_60, d61_90 = EXCLUDED.d61_90, "
            "d90_plus = EXCLUDED.d90_plus, low = EXCLUDED.low, medium = EXCLUDED.medium, "
            "high = EXCLUDED.high, critical = EXCLUDED.critical, updated_at = now()", params)
        tenants = cursor.rowcount
    return {"accounts": accounts, "receivables": receivables, "tenants": tenants}


def _receivables_regrade(cursor: Any, as_of: date | None) -> int:
    receivable = Receivable._meta.db_table
    risk = _RISK.format(oldest="r.due_on")
    cursor.execute(
        f"WITH {_today_cte(receivable)} UPDATE {receivable} r "  # noqa: S608
        f"SET risk = CASE WHEN r.amount_outstanding = 0 THEN 'LOW' ELSE {risk} END, updated_at = now() "
        f"FROM today t WHERE t.tenant_id = r.tenant_id "
        f"AND r.risk <> CASE WHEN r.amount_outstanding = 0 THEN 'LOW' ELSE {risk} END",
        {"as_of": as_of})
    return int(cursor.rowcount)


def receivables_refresh_risk(*, as_of: date | None) -> int:
    """Re-grade every receivable by days overdue in ONE UPDATE (<= 30 LOW, 31-60 MEDIUM, 61-90
    HIGH, > 90 CRITICAL; a paid one LOW); only changed rows are written. Returns how many."""
    with connection.cursor() as cursor:
        return _receivables_regrade(cursor, as_of)


def _dunning_ctes() -> str:
    account, receivable = Account._meta.db_table, Receivable._meta.db_table
    policy = DunningPolicy._meta.db_table
    return (f"{_today_cte(account)}, "  # noqa: S608
            "policy AS (SELECT t.tenant_id, t.d, COALESCE(p.reminder_after_days, 7) AS rd, "
            "COALESCE(p.final_notice_after_days, 14) AS fd, COALESCE(p.disconnect_after_days, 7) AS dd "
            f"FROM today t LEFT JOIN {policy} p ON p.tenant_id = t.tenant_id), "
            "od AS (SELECT r.tenant_id, r.account_number, SUM(r.amount_outstanding) AS overdue, "
            f"MIN(r.due_on) AS oldest FROM {receivable} r JOIN policy t ON t.tenant_id = r.tenant_id "
            "WHERE r.amount_outstanding > 0 AND r.due_on < t.d GROUP BY r.tenant_id, r.account_number)")


def _dunning_move(cursor: Any, as_of: date | None, *, source: str, target: str, date_field: str,
                  when: str) -> list[tuple[Any, ...]]:
    case, account = DunningCase._meta.db_table, Account._meta.db_table
    cursor.execute(
        f"WITH {_dunning_ctes()} UPDATE {case} c SET stage = %(target)s, {date_field} = t.d, "  # noqa: S608
        f"updated_at = now() FROM policy t, od, {account} a "
        "WHERE c.tenant_id = t.tenant_id AND c.stage = %(source)s "
        "AND od.tenant_id = c.tenant_id AND od.account_number = c.account_number "
        f"AND a.tenant_id = c.tenant_id AND a.number = c.account_number AND {when} "
        "RETURNING c.tenant_id, c.account_number, a.balance, od.overdue, od.oldest, t.d, a.name, a.email",
        {"as_of": as_of, "source": source, "target": target})
    return list(cursor.fetchall())


def _notice(stage: str) -> Literal["REMINDER_SENT", "FINAL_NOTICE"]:
    return "FINAL_NOTICE" if stage == "FINAL_NOTICE" else "REMINDER_SENT"


def dunning_run(*, as_of: date | None) -> dict[str, int]:
    """The nightly dunning run, set-based (a fixed number of statements for any number of
    accounts), each case advancing at most one stage per run:
    close the cases with nothing overdue any more; FINAL_NOTICE unanswered for the policy's
    `disconnect_after_days` → DISCONNECTION_REQUESTED and rx.account.overdue (once: the stage
    moves with it); REMINDER_SENT for `final_notice_after_days` → FINAL_NOTICE; open a REQUIRED
    case for each account newly overdue; REQUIRED whose oldest unpaid bill is
    `reminder_after_days` past due → REMINDER_SENT. Reminders and final notices publish
    rx.reminder.due. AGREEMENT_CREATED cases wait (until paid)."""
    case = DunningCase._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_dunning_ctes()} UPDATE {case} c SET stage = 'CLOSED', closed_on = t.d, "  # noqa: S608
            "updated_at = now() FROM policy t WHERE c.tenant_id = t.tenant_id AND c.stage <> 'CLOSED' "
            "AND NOT EXISTS (SELECT 1 FROM od WHERE od.tenant_id = c.tenant_id "
            "AND od.account_number = c.account_number)", {"as_of": as_of})
        closed = cursor.rowcount
        disconnect = _dunning_move(cursor, as_of, source=Stage.FINAL_NOTICE,
                                   target=Stage.DISCONNECTION_REQUESTED, date_field="disconnection_on",
                                   when="c.final_notice_on <= t.d - t.dd")
        final = _dunning_move(cursor, as_of, source=Stage.REMINDER_SENT, target=Stage.FINAL_NOTICE,
                              date_field="final_notice_on", when="c.reminder_on <= t.d - t.fd")
        cursor.execute(
            f"WITH {_dunning_ctes()} INSERT INTO {case} (tenant_id, account_number, stage, opened_on, "  # noqa: S608
            "created_at, updated_at) SELECT od.tenant_id, od.account_number, 'REQUIRED', t.d, now(), now() "
            "FROM od JOIN policy t ON t.tenant_id = od.tenant_id "
            "ON CONFLICT (tenant_id, account_number) WHERE (NOT (stage = 'CLOSED')) DO NOTHING",
            {"as_of": as_of})
        opened = cursor.rowcount
        remind = _dunning_move(cursor, as_of, source=Stage.REQUIRED, target=Stage.REMINDER_SENT,
                               date_field="reminder_on", when="od.oldest <= t.d - t.rd")
        notices: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for stage, rows in (("REMINDER_SENT", remind), ("FINAL_NOTICE", final)):
            for row in rows:
                notices[row[0]].append((stage, *row[1:]))
        overdue_rows: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for row in disconnect:
            overdue_rows[row[0]].append(row[1:])
        for tenant_id, batch in notices.items():
            publish_many((ReminderDue(account_number=number, stage=_notice(stage), balance=balance,
                                      overdue=overdue, oldest_due_date=oldest, as_of=day, name=name,
                                      email=email)
                          for stage, number, balance, overdue, oldest, day, name, email in batch),
                         tenant_id=tenant_id)
        for tenant_id, batch in overdue_rows.items():
            publish_many((AccountOverdue(account_number=number, balance=balance, overdue=overdue,
                                         days_overdue=(day - oldest).days, as_of=day)
                          for number, balance, overdue, oldest, day, _name, _email in batch),
                         tenant_id=tenant_id)
    return {"closed": closed, "opened": opened, "reminders": len(remind), "final_notices": len(final),
            "disconnections": len(disconnect)}


def dunning_policy_set(*, tenant_id: uuid.UUID, **days: int) -> DunningPolicy:
    policy, _ = DunningPolicy.objects.update_or_create(tenant_id=tenant_id, defaults=days)
    return policy


# -- payment agreements ---------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def installments_split(amount: Decimal, count: int) -> list[Decimal]:
    """`count` installments of money(amount / count), the last one taking the cents left, so
    they add up to `amount` exactly."""
    each = money(amount / count)
    return [each] * (count - 1) + [amount - each * (count - 1)]


def agreement_create(*, tenant_id: uuid.UUID, account: str, installments: int, first_due_on: date,
                     amount: Decimal | None = None) -> Agreement:
    """A payment agreement on the account's open dunning case: `amount` (default: what is
    overdue) in monthly installments from `first_due_on`. The case moves to AGREEMENT_CREATED
    (409 when it cannot: none open, or disconnection already requested)."""
    with transaction.atomic():
        acc = _lock(tenant_id, account)
        today = tenant_today(tenant_id)
        case = (DunningCase.objects.select_for_update().filter(tenant_id=tenant_id, account_number=acc.number)
                .exclude(stage=Stage.CLOSED).first())
        if case is None:
            raise Conflict(f"Account {acc.number} has no open dunning case.", code="no_dunning_case")
        DUNNING.check(case.stage, Stage.AGREEMENT_CREATED, label=f"The dunning case of {acc.number}")
        if amount is None:
            amount = sum((r.amount_outstanding for r in Receivable.objects.filter(
                tenant_id=tenant_id, account_number=acc.number, amount_outstanding__gt=0,
                due_on__lt=today)), ZERO)
        amount = money(amount)
        if amount <= 0 or amount > acc.balance:
            raise ValidationFailed(f"amount: must be more than 0 and at most the balance {acc.balance}",
                                   errors={"amount": f"between 0.01 and {acc.balance}"})
        parts = installments_split(amount, installments)
        if parts[0] <= 0:
            raise ValidationFailed("installments: too many for the amount",
                                   errors={"installments": "each installment must be at least 0.01"})
        DUNNING.move(DunningCase.objects.filter(pk=case.pk), Stage.AGREEMENT_CREATED, field="stage",
                     agreement_on=today, updated_at=timezone.now())
        agreement = Agreement.objects.create(tenant_id=tenant_id, case=case, account_number=acc.number,
                                             amount=amount, created_on=today)
        Installment.objects.bulk_create([
            Installment(agreement=agreement, seq=i + 1, due_on=add_months(first_due_on, i), amount=part)
            for i, part in enumerate(parts)])
    return agreement
