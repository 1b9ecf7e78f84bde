"""Receivables: what each issued bill still owes, and how risky that debt has become."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from smart360.django.models import TenantOwned


class Receivable(TenantOwned):
    class Risk(models.TextChoices):
        LOW = "LOW"  # not overdue, up to 30 days overdue, or paid
        MEDIUM = "MEDIUM"  # 31-60 days overdue
        HIGH = "HIGH"  # 61-90 days overdue
        CRITICAL = "CRITICAL"  # more than 90 days overdue

    account_number = models.CharField(max_length=40)
    bill_ref = models.CharField(max_length=60)  # bx's bill number, from bx.bill.issued
    billed_on = models.DateField()
    due_on = models.DateField()
    amount_billed = models.DecimalField(max_digits=14, decimal_places=2)
    amount_outstanding = models.DecimalField(max_digits=14, decimal_places=2)
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.LOW)

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
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {self.bill_ref} ({self.risk})"
