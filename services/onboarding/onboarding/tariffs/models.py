"""Plans and their tariff versions: a version takes effect on its effective date (the tenant's
calendar) and is announced once, by `onboarding.tariff.activated`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from onboarding.catalog.models import Category, UtilityService
from smart360.django.models import TenantOwned


class Plan(TenantOwned):
    name = models.CharField(max_length=200)
    utility_service = models.ForeignKey(UtilityService, on_delete=models.PROTECT,
                                        related_name="plans")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="plans")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="uniq_plan_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> TariffVersion | None:
        """The version in effect on `as_of` (annotated by the selector: the tenant's today);
        before the first takes effect, the first one scheduled. Uses prefetched versions."""
        as_of: date = getattr(self, "as_of", date.max)
        versions = sorted(self.versions.all(), key=lambda v: v.effective_from)
        due = [v for v in versions if v.effective_from <= as_of]
        if due:
            return due[-1]
        return versions[0] if versions else None


class TariffVersion(TenantOwned):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    # smart360.contracts.onboarding.Tariff as JSON (amounts as decimal strings): what bx rates.
    tariff = models.JSONField()
    activated_at = models.DateTimeField(null=True, blank=True)  # announced (once) at this time

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="uniq_tariff_version_number"),
            # One version takes effect per date: billing never sees two for one day.
            models.UniqueConstraint(fields=["plan", "effective_from"],
                                    name="uniq_tariff_version_effective"),
        ]
        indexes = [
            # The daily activation: versions not yet announced, by effective date.
            models.Index(fields=["effective_from"], condition=models.Q(activated_at__isnull=True),
                         name="tariffversion_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number} from {self.effective_from}"

    @property
    def tariff_out(self) -> dict[str, Any]:
        """The tariff as the API takes it: with its effective date."""
        return {**self.tariff, "effective_from": self.effective_from.isoformat()}
