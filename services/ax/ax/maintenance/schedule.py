"""When a plan's periods fall: pure date and usage arithmetic, no database.

Calendar periods are counted from the plan's start, k = 0, 1, 2 …: day `starts_on + k·N days`,
or `starts_on + k·N months` clamped to the month's end (a plan from 31 January falls on 28/29
February, then on 31 March again: counted from the start, never from the previous period, so
short months do not drift the schedule). Usage periods are the multiples of the interval.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def occurrence(*, starts_on: date, kind: str, interval: int, k: int) -> date:
    if kind == "DAYS":
        return starts_on + timedelta(days=k * interval)
    return add_months(starts_on, k * interval)


def latest_due(*, starts_on: date, kind: str, interval: int, lead_days: int, current: int,
               today: date) -> int | None:
    """The latest period k ≥ current whose announcement day (due day - lead) is on or before
    `today`; None when period `current` is not due yet. Older periods a plan fell behind on are
    passed over: one work order for the latest, not a backlog of stale ones."""
    horizon = today + timedelta(days=lead_days)  # announce a period due on or before this day

    def due(k: int) -> bool:
        return occurrence(starts_on=starts_on, kind=kind, interval=interval, k=k) <= horizon

    if not due(current):
        return None
    if kind == "DAYS":
        k = max(current, (horizon - starts_on).days // interval)
    else:
        months = (horizon.year - starts_on.year) * 12 + horizon.month - starts_on.month
        k = max(current, months // interval)
    while k > current and not due(k):
        k -= 1
    while due(k + 1):
        k += 1
    return k


def usage_period(*, usage: Decimal, interval: Decimal) -> Decimal:
    """The multiple of `interval` the usage has reached (the period it is due for)."""
    return (usage / interval).to_integral_value(rounding=ROUND_FLOOR) * interval


def period_label(value: date | Decimal) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return f"U{value.normalize():f}"
