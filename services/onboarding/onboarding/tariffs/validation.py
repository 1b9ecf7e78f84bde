"""The rules a tariff obeys before it is stored (bx rates exactly what is stored).

`tariff_check(tariff)` returns {field path: message} — empty when the tariff is valid:
- amounts are finite, ≥ 0, with at most 6 decimals (the fixed charge 2, tax_rate a fraction ≤ 1);
- flat needs `rate`; slab needs `slabs`; seasonal needs `seasons`; tou needs `tou` bands;
- slabs: ascending, contiguous and non-overlapping by construction (each `up_to` is a cumulative
  bound above the previous one), positive bounds, only the last open-ended (`up_to` null);
- seasons: months 1-12, each month in exactly one season (all twelve covered), each season
  with a rate or slabs;
- time-of-use bands: distinct names, start ≠ end, no two overlapping, together the whole day
  (a band may wrap past midnight, e.g. 22:00-06:00).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from decimal import Decimal

from smart360.contracts.onboarding import Slab, Tariff, TouBand

MAX_AMOUNT = Decimal("1e9")
DAY = 24 * 60


def _amount(value: Decimal | None, where: str, errors: dict[str, str], *, places: int = 6,
            most: Decimal = MAX_AMOUNT) -> None:
    if value is None:
        return
    if not value.is_finite():
        errors[where] = "must be a finite decimal"
    elif value < 0:
        errors[where] = "must be ≥ 0"
    elif value > most:
        errors[where] = f"must be at most {most}"
    elif -int(value.as_tuple().exponent) > places:
        errors[where] = f"at most {places} decimal places"


def slabs_check(slabs: Sequence[Slab], where: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not slabs:
        return {where: "needs at least one slab"}
    previous = Decimal(0)
    for i, slab in enumerate(slabs):
        at = f"{where}[{i}]"
        _amount(slab.rate, f"{at}.rate", errors)
        last = i == len(slabs) - 1
        if slab.up_to is None:
            if not last:
                errors[f"{at}.up_to"] = "only the last slab is open-ended (up_to null)"
            continue
        if last:
            errors[f"{at}.up_to"] = "the last slab is open-ended: up_to must be null"
        _amount(slab.up_to, f"{at}.up_to", errors, places=3)
        if f"{at}.up_to" in errors:
            continue
        if slab.up_to <= previous:
            errors[f"{at}.up_to"] = (f"slabs ascend: {slab.up_to} must be above the previous "
                                     f"bound {previous}")
        else:
            previous = slab.up_to
    return errors


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def tou_check(bands: Sequence[TouBand], where: str = "tou") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not bands:
        return {where: "a time-of-use tariff needs bands"}
    names = [b.name for b in bands]
    covered = [0] * DAY
    for i, band in enumerate(bands):
        at = f"{where}[{i}]"
        _amount(band.rate, f"{at}.rate", errors)
        if not band.name.strip():
            errors[f"{at}.name"] = "a band needs a name"
        elif names.count(band.name) > 1:
            errors[f"{at}.name"] = f"band name {band.name!r} is used twice"
        if band.start.second or band.end.second or band.start.microsecond or band.end.microsecond:
            errors[at] = "bands start and end on whole minutes"
            continue
        start, end = _minutes(band.start), _minutes(band.end)
        if start == end:
            errors[at] = "a band's start and end differ"
            continue
        span = range(start, end) if start < end else [*range(start, DAY), *range(0, end)]
        for minute in span:
            covered[minute] += 1
        if any(covered[m] > 1 for m in span):
            errors[at] = f"band {band.name!r} overlaps another band"
    if not errors and any(c == 0 for c in covered):
        gap = covered.index(0)
        errors[where] = f"the bands leave {gap // 60:02d}:{gap % 60:02d} uncovered: together " \
                        "they cover the whole day"
    return errors


def tariff_check(tariff: Tariff) -> dict[str, str]:
    errors: dict[str, str] = {}
    _amount(tariff.fixed_charge, "fixed_charge", errors, places=2)
    _amount(tariff.rate, "rate", errors)
    _amount(tariff.tax_rate, "tax_rate", errors, most=Decimal(1))
    for i, charge in enumerate(tariff.additional_charges):
        _amount(charge.amount, f"additional_charges[{i}].amount", errors)
    kind = tariff.kind
    if kind == "flat" and tariff.rate is None:
        errors["rate"] = "a flat tariff needs a rate"
    if kind == "slab":
        errors.update(slabs_check(tariff.slabs, "slabs"))
    elif tariff.slabs:
        errors["slabs"] = f"slabs belong to a slab tariff, not a {kind} one"
    if kind == "tou":
        errors.update(tou_check(tariff.tou))
    elif tariff.tou:
        errors["tou"] = f"bands belong to a tou tariff, not a {kind} one"
    if kind == "seasonal":
        errors.update(seasons_check(tariff))
    elif tariff.seasons:
        errors["seasons"] = f"seasons belong to a seasonal tariff, not a {kind} one"
    return errors


def seasons_check(tariff: Tariff) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not tariff.seasons:
        return {"seasons": "a seasonal tariff needs seasons"}
    seen: dict[int, str] = {}
    for i, season in enumerate(tariff.seasons):
        at = f"seasons[{i}]"
        if season.rate is None and not season.slabs:
            errors[at] = f"season {season.name!r} needs a rate or slabs"
        if season.rate is not None and season.slabs:
            errors[at] = f"season {season.name!r} has a rate or slabs, not both"
        _amount(season.rate, f"{at}.rate", errors)
        if season.slabs:
            errors.update(slabs_check(season.slabs, f"{at}.slabs"))
        if not season.months:
            errors[f"{at}.months"] = "a season has months"
        for month in season.months:
            if not 1 <= month <= 12:
                errors[f"{at}.months"] = "months are 1-12"
            elif month in seen:
                errors[f"{at}.months"] = f"month {month} is already in season {seen[month]!r}"
            else:
                seen[month] = season.name
    missing = sorted(set(range(1, 13)) - set(seen))
    if missing and not errors:
        errors["seasons"] = f"every month is in a season; missing: {', '.join(map(str, missing))}"
    return errors


TARIFF_KINDS = ["flat", "slab", "fixed", "tou", "seasonal"]
CHARGE_KINDS = ["fixed", "per_unit", "percent"]
