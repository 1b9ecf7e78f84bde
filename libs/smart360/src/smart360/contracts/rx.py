"""Events rx publishes: payments and collections."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from smart360.contracts import Event, Part


class Allocation(Part):
    bill_number: str
    amount: Decimal


class PaymentReceived(Event, type="rx.payment.received"):
    payment_id: int
    receipt_number: str
    account_number: str
    amount: Decimal
    method: str
    reference: str
    received_at: datetime
    balance_after: Decimal
    allocations: list[Allocation] = []
    name: str = ""  # the account holder's, as rx knows it from cx.connection.activated
    email: str = ""


class ReminderDue(Event, type="rx.reminder.due"):
    """Dunning moved an account on: a reminder, or the final notice, should reach the consumer."""

    account_number: str
    stage: Literal["REMINDER_SENT", "FINAL_NOTICE"]
    balance: Decimal
    overdue: Decimal
    oldest_due_date: date
    as_of: date
    name: str = ""  # the account holder's, as rx knows it from cx.connection.activated
    email: str = ""


class AccountOverdue(Event, type="rx.account.overdue"):
    """The final notice went unanswered: cx asks wx to disconnect."""

    account_number: str
    balance: Decimal
    overdue: Decimal
    days_overdue: int
    as_of: date
