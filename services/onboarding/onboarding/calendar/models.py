"""The utility's working calendar: public holidays and opening hours per weekday."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Holiday(TenantOwned):
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "date"], name="uniq_holiday_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class WorkingHours(TenantOwned):
    """Open from `opens` to `closes` (local time) on `weekday` (0 Monday … 6 Sunday)."""

    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "weekday"], name="uniq_working_weekday"),
            models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")),
                                   name="working_hours_open_before_close"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.opens}-{self.closes}"
