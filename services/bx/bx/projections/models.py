"""Projections: rows keyed by the owning service's ids, upserted from its events."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class UtilityService(TenantOwned):
    """onboarding.service.created: a bill run names one (by onboarding's id)."""

    service_id = models.BigIntegerField()
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "service_id"],
                                               name="uniq_bx_utility_service")]

    def __str__(self) -> str:
        return self.code


class Plan(TenantOwned):
    """onboarding.plan.created (its name) and onboarding.tariff.activated (its service)."""

    plan_id = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True)
    utility_service_id = models.BigIntegerField()
    category_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "plan_id"], name="uniq_bx_plan")]

    def __str__(self) -> str:
        return self.name or f"plan {self.plan_id}"


class TariffVersion(TenantOwned):
    """onboarding.tariff.activated. A version is in force from effective_from until the next
    version's effective_from (rating.version_intervals): one per plan and day, so versions never
    overlap; of two for the same day, the higher version number is kept (a correction)."""

    plan_id = models.BigIntegerField()
    version_id = models.BigIntegerField()
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    tariff = models.JSONField()  # smart360.contracts.onboarding.Tariff, as published

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "plan_id", "effective_from"],
                                               name="uniq_bx_tariff_version_per_day")]

    def __str__(self) -> str:
        return f"plan {self.plan_id} v{self.number} from {self.effective_from}"


class Account(TenantOwned):
    """cx.connection.activated: who is billed, on which plan, for which service."""

    account_id = models.BigIntegerField()  # cx's id
    number = models.CharField(max_length=40)
    consumer_number = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, blank=True)
    utility_service_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    plan_id = models.BigIntegerField()
    area_id = models.BigIntegerField()
    premise = models.CharField(max_length=300)
    meter_serial = models.CharField(max_length=60)
    initial_reading = models.DecimalField(max_digits=14, decimal_places=3)
    connected_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_bx_account")]
        # A run walks one service's accounts in id order (keyset chunks).
        indexes = [models.Index(fields=["tenant_id", "utility_service_id", "id"],
                                name="bx_account_run_idx")]

    def __str__(self) -> str:
        return self.number


class Reading(TenantOwned):
    """mx.reading.validated: billable consumption since the previous validated reading.

    A period's consumption is the sum over the readings taken in it (one per period when meters
    are read each cycle: the last reading at or before period_end minus the one before it)."""

    reading_id = models.BigIntegerField()
    account_number = models.CharField(max_length=40)
    read_at = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=3)
    previous_value = models.DecimalField(max_digits=14, decimal_places=3)
    consumption = models.DecimalField(max_digits=14, decimal_places=3)
    bands = models.JSONField(default=dict)  # time-of-use registers {band: consumption}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "reading_id"],
                                               name="uniq_bx_reading")]
        # The run's per-account lookups: readings of an account in a time range.
        indexes = [models.Index(fields=["tenant_id", "account_number", "read_at"],
                                name="bx_reading_account_time_idx")]

    def __str__(self) -> str:
        return f"{self.account_number} {self.read_at:%Y-%m-%d} {self.consumption}"

