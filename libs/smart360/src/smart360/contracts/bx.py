"""Events bx publishes: bills."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from smart360.contracts import Event


class BillIssued(Event, type="bx.bill.issued"):
    bill_id: int
    number: str
    account_number: str
    period_start: date
    period_end: date
    issued_on: date
    due_date: date
    consumption: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: str
    pdf_path: str  # under the gateway, e.g. /bx/api/v1/bills/7/pdf/


class BillVoided(Event, type="bx.bill.voided"):
    """A bill was voided; rx credits `credit_amount` to the account."""

    bill_id: int
    number: str
    account_number: str
    credit_amount: Decimal
    reason: str
    voided_at: datetime
