"""The receivables side of a utility: each account's ledger, its bills as receivables, payments
with their allocations, refunds and credit notes, and dunning with payment agreements.

Sign convention: an account's `balance` is what it owes (bills outstanding minus unapplied
credit); a ledger entry's `amount` is its effect on that balance (a bill +, a payment or credit -,
a refund +), and `balance_after` the balance once it was posted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from smart360.django.models import TenantOwned

ZERO = Decimal("0.00")


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Risk(models.TextChoices):
    LOW = "LOW"  # not overdue, up to 30 days overdue, or paid
    MEDIUM = "MEDIUM"  # 31-60 days overdue
    HIGH = "HIGH"  # 61-90 days overdue
    CRITICAL = "CRITICAL"  # more than 90 days overdue


class Account(TenantOwned):
    """One billing account (cx's number). Opens at 0 on cx.connection.activated, or on its first
    bill when that arrives first. The aging columns are the nightly snapshot (rx.refresh_aging);
    the API computes them live for one account."""

    number = models.CharField(max_length=40)
    account_id = models.BigIntegerField(null=True)  # cx's id
    consumer_number = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    opened_at = models.DateTimeField(null=True)
    balance = _money(default=ZERO)
    credit = _money(default=ZERO)  # paid in and not yet applied to a bill (>= 0)
    # the nightly snapshot (rx.refresh_aging)
    overdue = _money(default=ZERO)
    oldest_due_on = models.DateField(null=True)
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.LOW)
    aging_current = _money(default=ZERO)
    aging_31_60 = _money(default=ZERO)
    aging_61_90 = _money(default=ZERO)
    aging_90_plus = _money(default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_rx_account"),
            models.CheckConstraint(condition=models.Q(credit__gte=Decimal(0)),
                                   name="rx_account_credit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.balance}"


class AgingSnapshot(TenantOwned):
    """A tenant's receivables by age as of one date (rx.refresh_aging), one row per night."""

    as_of = models.DateField()
    accounts = models.PositiveIntegerField(default=0)
    balance = _money(default=ZERO)
    overdue = _money(default=ZERO)
    current = _money(default=ZERO)
    d31_60 = _money(default=ZERO)
    d61_90 = _money(default=ZERO)
    d90_plus = _money(default=ZERO)
    low = models.PositiveIntegerField(default=0)
    medium = models.PositiveIntegerField(default=0)
    high = models.PositiveIntegerField(default=0)
    critical = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "as_of"], name="uniq_rx_aging_snapshot")]

    def __str__(self) -> str:
        return f"{self.as_of} {self.overdue}"


class Receivable(TenantOwned):
    """What one bill (or debit adjustment) still owes."""

    Risk = Risk

    account_number = models.CharField(max_length=40)
    bill_ref = models.CharField(max_length=60)  # bx's bill number, from bx.bill.issued
    billed_on = models.DateField()
    due_on = models.DateField()
    amount_billed = models.DecimalField(max_digits=14, decimal_places=2)
    amount_outstanding = models.DecimalField(max_digits=14, decimal_places=2)
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.LOW)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "bill_ref"], name="uniq_receivable_bill"),
            models.CheckConstraint(
                condition=models.Q(amount_outstanding__gte=Decimal(0))
                & models.Q(amount_outstanding__lte=models.F("amount_billed")),
                name="receivable_outstanding_within_billed",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("billed_on")),
                name="receivable_due_after_billed",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "account_number"], name="receivable_account_idx"),
            models.Index(fields=["tenant_id", "billed_on"], name="receivable_billed_on_idx"),
            # what the jobs and allocation read: the unpaid ones, oldest first
            models.Index(fields=["tenant_id", "account_number", "due_on"],
                         condition=models.Q(amount_outstanding__gt=0), name="receivable_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {self.bill_ref} ({self.risk})"


class LedgerEntry(TenantOwned):
    class Kind(models.TextChoices):
        BILL = "BILL"
        PAYMENT = "PAYMENT"
        CREDIT = "CREDIT"  # a voided bill's credit, a credit note
        ADJUSTMENT = "ADJUSTMENT"
        REFUND = "REFUND"

    account_number = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = _money()  # the effect on the balance: + owes more, - owes less
    balance_after = _money()
    reference = models.CharField(max_length=60)  # bill, receipt, credit note, refund number
    at = models.DateTimeField()

    class Meta:
        constraints = [
            # a redelivered bill or void posts nothing twice
            models.UniqueConstraint(fields=["tenant_id", "kind", "reference"], name="uniq_rx_entry"),
        ]
        indexes = [models.Index(fields=["tenant_id", "account_number", "id"], name="rx_entry_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_number} {self.kind} {self.amount}"


class Payment(TenantOwned):
    account_number = models.CharField(max_length=40)
    amount = _money()
    method = models.CharField(max_length=30)
    channel = models.CharField(max_length=30, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    receipt_number = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    allocations = models.JSONField(default=list)  # [{"bill": "BILL-…", "amount": "10.00"}]
    unapplied = _money(default=ZERO)  # what stayed as credit
    balance_after = _money()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "receipt_number"], name="uniq_rx_receipt"),
        ]
        indexes = [models.Index(fields=["tenant_id", "account_number", "id"], name="rx_payment_account_idx"),
                   models.Index(fields=["tenant_id", "received_at"], name="rx_payment_received_idx")]

    def __str__(self) -> str:
        return self.receipt_number


class Refund(TenantOwned):
    account_number = models.CharField(max_length=40)
    number = models.CharField(max_length=40)
    amount = _money()
    method = models.CharField(max_length=30)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    refunded_at = models.DateTimeField()
    balance_after = _money()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_rx_refund")]

    def __str__(self) -> str:
        return self.number


class CreditNote(TenantOwned):
    account_number = models.CharField(max_length=40)
    number = models.CharField(max_length=40)
    amount = _money()
    bill_ref = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=300)
    issued_at = models.DateTimeField()
    balance_after = _money()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_rx_credit_note")]

    def __str__(self) -> str:
        return self.number


class DunningPolicy(TenantOwned):
    """A tenant's dunning days (the defaults when it has none)."""

    reminder_after_days = models.PositiveSmallIntegerField(default=7)  # days past the oldest due date
    final_notice_after_days = models.PositiveSmallIntegerField(default=14)  # after the reminder
    disconnect_after_days = models.PositiveSmallIntegerField(default=7)  # after the final notice

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id"], name="uniq_rx_dunning_policy")]

    def __str__(self) -> str:
        return f"{self.reminder_after_days}/{self.final_notice_after_days}/{self.disconnect_after_days}"


class DunningCase(TenantOwned):
    class Stage(models.TextChoices):
        REQUIRED = "REQUIRED"
        REMINDER_SENT = "REMINDER_SENT"
        FINAL_NOTICE = "FINAL_NOTICE"
        AGREEMENT_CREATED = "AGREEMENT_CREATED"
        DISCONNECTION_REQUESTED = "DISCONNECTION_REQUESTED"
        CLOSED = "CLOSED"  # the overdue was paid

    account_number = models.CharField(max_length=40)
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.REQUIRED)
    opened_on = models.DateField()
    reminder_on = models.DateField(null=True, blank=True)
    final_notice_on = models.DateField(null=True, blank=True)
    agreement_on = models.DateField(null=True, blank=True)
    disconnection_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            # one open case per account: the job's INSERT … ON CONFLICT relies on it
            models.UniqueConstraint(fields=["tenant_id", "account_number"],
                                    condition=~models.Q(stage="CLOSED"), name="uniq_rx_open_dunning"),
        ]
        indexes = [models.Index(fields=["tenant_id", "account_number", "id"], name="rx_dunning_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_number} {self.stage}"


class Agreement(TenantOwned):
    """A payment agreement: the amount owed, in installments that add up to it exactly."""

    case = models.ForeignKey(DunningCase, on_delete=models.PROTECT, related_name="agreements")
    account_number = models.CharField(max_length=40)
    amount = _money()
    created_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.account_number} {self.amount}"


class Installment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="installments")
    seq = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = _money()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["agreement", "seq"], name="uniq_rx_installment")]

    def __str__(self) -> str:
        return f"{self.seq}: {self.amount} on {self.due_on}"
