"""Cover on assets: maintenance contracts (AMC) and insurance policies, and the expiry reminders
sent for them."""

from __future__ import annotations

from django.db import models

from ax.assets.models import Asset
from smart360.django.models import TenantOwned


class Cover(TenantOwned):
    """What a maintenance contract and an insurance policy share: who covers which assets, from
    when to when (both days inclusive), and whom to remind before it ends."""

    provider = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()  # last day of cover, inclusive
    notify_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def asset_ids(self) -> list[int]:
        """The covered assets' ids (from the prefetch cache when the selector prefetched them)."""
        return sorted(a.pk for a in self.assets.all())  # type: ignore[attr-defined]


class MaintenanceContract(Cover):
    """An AMC: a provider maintains the covered assets for a value over a period."""

    reference = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    assets = models.ManyToManyField(Asset, related_name="contracts")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "reference"], name="uniq_contract_reference"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_ends_after_start"),
        ]
        # The reminder job's range scan (covers.services.cover_reminders_send).
        indexes = [models.Index(fields=["ends_on"], name="contract_ends_on_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.provider} until {self.ends_on}"


class InsurancePolicy(Cover):
    policy_number = models.CharField(max_length=60)
    sum_insured = models.DecimalField(max_digits=14, decimal_places=2)
    premium = models.DecimalField(max_digits=14, decimal_places=2)
    assets = models.ManyToManyField(Asset, related_name="insurance_policies")

    class Meta:
        verbose_name_plural = "insurance policies"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "policy_number"], name="uniq_policy_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="policy_ends_after_start"),
        ]
        indexes = [models.Index(fields=["ends_on"], name="policy_ends_on_idx")]

    def __str__(self) -> str:
        return f"{self.policy_number} {self.provider} until {self.ends_on}"


class CoverReminder(TenantOwned):
    """One `ax.cover.expiring` sent: once per cover, end date and reminder window (30 days, then
    7). A cover extended to a later end date is reminded again when the new end comes near."""

    class Kind(models.TextChoices):
        CONTRACT = "contract"
        INSURANCE = "insurance"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    cover_id = models.BigIntegerField()
    ends_on = models.DateField()
    window_days = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "cover_id", "ends_on", "window_days"],
                                    name="uniq_cover_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cover_id} ({self.window_days} d) on {self.sent_on}"
