"""Pure rating: a period's consumption and a plan's tariff versions in, bill lines out.

Decimal only, no database. The tariff definition is onboarding's `Tariff` contract (flat, slab,
fixed, seasonal, time-of-use, with a fixed charge, additional charges and a tax rate).

Rounding (smart360.domain.money, the platform's one rule): each line is rounded half-up to cents
when it is produced; the subtotal is the sum of the rounded lines; tax is computed on the rounded
subtotal (per tax rate) and rounded; the total is subtotal + tax. So a bill always adds up.

Slabs are cumulative: with (300 @ 0.08, 600 @ 0.12, open @ 0.16) units 1-300 cost 0.08, 301-600
cost 0.12, the rest 0.16; each tier is its own line. DOMAIN.md's example: 850 kWh = 24.00 + 36.00
+ 40.00 = 100.00; with the 15.00 fixed charge, 115.00.

Rates are per unit; `tax_rate` is a fraction (0.18 = 18 %); a "percent" additional charge's
amount is a percentage of the energy charge (5 = 5 %).

Proration. A period of D days (start and end inclusive) is cut into segments where the tariff
version in force (the one with the latest `effective_from` on or before the day) and, for
seasonal tariffs, the season stay the same. A segment of d days has the fraction f = d / D and is
rated on its own with
    consumption  q_s = q x f                  (to 3 places; the last segment takes the remainder,
                                               so the segments add up to q exactly)
    slab bounds  b_s = b x f                  (to 3 places: a part-period gets part of each tier)
    fixed charge and fixed additional charges x f, rounded to cents as lines
    per-unit charges on q_s, percent charges on the segment's energy charge.
A period with one segment has f = 1: nothing is prorated. If the plan's first version takes
effect after the period starts, it applies from the period's start (a plan always has a tariff).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from smart360.contracts.onboarding import Slab, Tariff
from smart360.domain.money import money, quantity
from smart360.errors import ApplicationError

ZERO = Decimal(0)
ONE = Decimal(1)


class RatingError(ApplicationError, ValueError):
    """Input that cannot be rated; a 400 problem+json if it reaches the API."""

    code = "invalid_rating_input"


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Rated:
    lines: tuple[Line, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Version:
    """A tariff version of a plan, in force from `effective_from` until the next one."""

    effective_from: date
    tariff: Tariff
    number: int = 1


@dataclass(frozen=True)
class Segment:
    """Days of a period under one tariff version (and season): rated with fraction days/total."""

    start: date
    end: date
    days: int
    total_days: int
    version: Version
    rate: Decimal | None  # the flat rate of the season or tariff, if any
    slabs: tuple[Slab, ...]

    @property
    def fraction(self) -> Decimal:
        return Decimal(self.days) / Decimal(self.total_days)


def _checked(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise RatingError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise RatingError(f"{what} must be a finite number, got {value}")
    if value < 0:
        raise RatingError(f"{what} cannot be negative, got {value}")
    return value


def check_slabs(slabs: Sequence[Slab]) -> None:
    if not slabs:
        raise RatingError("a slab tariff needs at least one slab")
    if slabs[-1].up_to is not None:
        raise RatingError("the last slab must be open-ended (up_to null)")
    lower = ZERO
    for i, slab in enumerate(slabs):
        _checked(slab.rate, f"slab {i + 1} rate")
        if slab.up_to is None:
            if i != len(slabs) - 1:
                raise RatingError(f"slab {i + 1} is open-ended but is not the last slab")
            continue
        if _checked(slab.up_to, f"slab {i + 1} bound") <= lower:
            raise RatingError(f"slab bounds must increase: slab {i + 1} ends at {slab.up_to}")
        lower = slab.up_to


def check_tariff(tariff: Tariff) -> None:
    """What the contract's types cannot say: the shape each kind needs."""
    if tariff.kind == "slab":
        check_slabs(tariff.slabs)
    elif tariff.kind == "flat" and tariff.rate is None:
        raise RatingError("a flat tariff needs a rate")
    elif tariff.kind == "tou" and not tariff.tou:
        raise RatingError("a time-of-use tariff needs bands")
    elif tariff.kind == "seasonal":
        if not tariff.seasons:
            raise RatingError("a seasonal tariff needs seasons")
        for season in tariff.seasons:
            if season.rate is None and not season.slabs:
                raise RatingError(f"season {season.name!r} needs a rate or slabs")
            if season.slabs:
                check_slabs(season.slabs)
            if any(m < 1 or m > 12 for m in season.months):
                raise RatingError(f"season {season.name!r}: months are 1-12")


# -- the pieces ------------------------------------------------------------------------------
def slab_lines(consumption: Decimal, slabs: Sequence[Slab], *, unit: str = "",
               fraction: Decimal = ONE, label: str = "") -> list[Line]:
    """One line per tier that the consumption reaches, each rounded to cents."""
    _checked(consumption, "consumption")
    check_slabs(slabs)
    lines: list[Line] = []
    lower = ZERO
    for slab in slabs:
        bound = None if slab.up_to is None else quantity(slab.up_to * fraction)
        top = consumption if bound is None else min(consumption, bound)
        if top <= lower and lines:
            break
        used = max(top - lower, ZERO)
        upto = "+" if bound is None else f"-{bound.normalize():f}"
        name = f"Energy {(lower + (1 if lower else 0)).normalize():f}{upto} {unit}".rstrip()
        lines.append(Line(f"{name}{label}", used, slab.rate, money(used * slab.rate)))
        lower = top
        if bound is None or consumption <= bound:
            break
    return lines


def rate_slabs(consumption: Decimal, slabs: Sequence[Slab]) -> Decimal:
    """The energy charge under cumulative slabs: the sum of its rounded tier lines."""
    return sum((line.amount for line in slab_lines(consumption, slabs)), ZERO)


# -- periods and versions ----------------------------------------------------------------------
def version_in_force(versions: Sequence[Version], day: date) -> Version:
    """The version with the latest effective_from on or before `day` (the first one before any)."""
    chosen = versions[0]
    for version in versions:
        if version.effective_from <= day:
            chosen = version
    return chosen


def version_intervals(versions: Sequence[Version]) -> list[tuple[date, date | None, Version]]:
    """Each version's [from, to] (to None = open): consecutive, never overlapping. Of two versions
    with the same effective_from the higher number wins (a correction)."""
    latest: dict[date, Version] = {}
    for v in versions:
        if v.effective_from not in latest or v.number > latest[v.effective_from].number:
            latest[v.effective_from] = v
    ordered = [latest[d] for d in sorted(latest)]
    return [(v.effective_from,
             ordered[i + 1].effective_from - timedelta(days=1) if i + 1 < len(ordered) else None, v)
            for i, v in enumerate(ordered)]


def _price(tariff: Tariff, day: date) -> tuple[str, Decimal | None, tuple[Slab, ...]]:
    if tariff.kind == "seasonal":
        for season in tariff.seasons:
            if day.month in season.months:
                return season.name, season.rate, tuple(season.slabs)
    return "", tariff.rate, tuple(tariff.slabs)


def segments(period_start: date, period_end: date, versions: Sequence[Version]) -> list[Segment]:
    """The period cut where the version (or the season) changes; computed once per plan."""
    if period_end < period_start:
        raise RatingError("the period ends before it starts")
    if not versions:
        raise RatingError("the plan has no tariff version")
    ordered = [v for _, _, v in version_intervals(versions)]
    for v in ordered:
        check_tariff(v.tariff)
    cuts = {period_start} | {v.effective_from for v in ordered
                             if period_start < v.effective_from <= period_end}
    month = date(period_start.year, period_start.month, 1)
    while month <= period_end:  # seasons change at month boundaries
        if month > period_start:
            cuts.add(month)
        month = (month + timedelta(days=32)).replace(day=1)
    total = (period_end - period_start).days + 1
    found: list[Segment] = []
    bounds = [*sorted(cuts), period_end + timedelta(days=1)]
    for start, nxt in itertools.pairwise(bounds):
        version = version_in_force(ordered, start)
        season, rate, slabs = _price(version.tariff, start)
        prev = found[-1] if found else None
        if prev and prev.version is version and _price(version.tariff, prev.start)[0] == season:
            days = prev.days + (nxt - start).days
            found[-1] = Segment(prev.start, nxt - timedelta(days=1), days, total, version, rate, slabs)
        else:
            found.append(Segment(start, nxt - timedelta(days=1), (nxt - start).days, total, version,
                                 rate, slabs))
    return found


# -- a bill ---------------------------------------------------------------------------------------
def _segment_lines(seg: Segment, q: Decimal, bands: Mapping[str, Decimal], unit: str,
                   label: str) -> tuple[list[Line], Decimal]:
    """Lines of one segment, and its energy charge (the base of percent charges). A prorated
    fixed line shows its fraction to 3 places; its amount uses the exact fraction."""
    tariff, f = seg.version.tariff, seg.fraction
    energy: list[Line] = []
    if tariff.kind == "tou":
        for band in tariff.tou:
            used = quantity(_checked(bands.get(band.name, ZERO), f"band {band.name}") * f)
            energy.append(Line(f"Energy {band.name} {unit}{label}".replace("  ", " "), used,
                               band.rate, money(used * band.rate)))
    elif tariff.kind != "fixed":
        if seg.slabs:
            energy = slab_lines(q, seg.slabs, unit=unit, fraction=f, label=label)
        elif seg.rate is not None:
            energy = [Line(f"Energy {unit}{label}".replace("  ", " "), q, seg.rate, money(q * seg.rate))]
        else:
            raise RatingError(f"tariff kind {tariff.kind} has neither a rate nor slabs here")
    energy_charge = sum((line.amount for line in energy), ZERO)
    lines = list(energy)
    if tariff.fixed_charge:
        lines.append(Line(f"Fixed charge{label}", quantity(f), tariff.fixed_charge,
                          money(tariff.fixed_charge * f)))
    for charge in tariff.additional_charges:
        if charge.kind == "fixed":
            lines.append(Line(f"{charge.name}{label}", quantity(f), charge.amount,
                              money(charge.amount * f)))
        elif charge.kind == "per_unit":
            lines.append(Line(f"{charge.name}{label}", q, charge.amount, money(q * charge.amount)))
        else:
            pct = charge.amount / 100
            lines.append(Line(f"{charge.name} ({charge.amount.normalize():f}%){label}", energy_charge,
                              pct, money(energy_charge * pct)))
    return lines, energy_charge


def rate_period(*, consumption: Decimal, segments: Sequence[Segment],
                bands: Mapping[str, Decimal] | None = None, unit: str = "") -> Rated:
    """A bill's lines and totals for `consumption` over precomputed `segments` (see segments())."""
    _checked(consumption, "consumption")
    bands = bands or {}
    if not bands and any(seg.version.tariff.kind == "tou" for seg in segments):
        raise RatingError("a time-of-use tariff needs the reading's band registers")
    lines: list[Line] = []
    by_tax: dict[Decimal, Decimal] = {}
    left = consumption
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        q = left if last else min(left, quantity(consumption * seg.fraction))
        left -= q
        label = "" if len(segments) == 1 else f" ({seg.start:%b %d}-{seg.end:%b %d})"
        seg_lines, _ = _segment_lines(seg, q, bands, unit, label)
        lines += seg_lines
        tax_rate = seg.version.tariff.tax_rate
        by_tax[tax_rate] = by_tax.get(tax_rate, ZERO) + sum((line.amount for line in seg_lines), ZERO)
    subtotal = sum((line.amount for line in lines), ZERO)
    tax = sum((money(base * r) for r, base in by_tax.items() if r), ZERO)
    return Rated(tuple(lines), money(subtotal), money(tax), money(subtotal + tax))


def rate_one(*, consumption: Decimal, tariff: Tariff, unit: str = "",
             bands: Mapping[str, Decimal] | None = None, on: date = date(2000, 1, 1)) -> Rated:
    """One tariff over one period (no proration; seasons as of `on`): the tests' shorthand."""
    return rate_period(consumption=consumption, bands=bands, unit=unit,
                       segments=segments(on, on, [Version(on, tariff)]))
