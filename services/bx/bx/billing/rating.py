"""Pure rating: consumption and a tariff's slabs in, money out. Decimal only, no database.

Slabs are cumulative: with (300 @ 0.08, 600 @ 0.12, open @ 0.16) the first 300 units cost 0.08,
units 301-600 cost 0.12 and everything above 600 costs 0.16. Amounts are rounded once, at the
end, to cents with ROUND_HALF_UP (the rounding customers and auditors expect).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from smart360.errors import ApplicationError

CENTS = Decimal("0.01")
ZERO = Decimal(0)


class RatingError(ApplicationError, ValueError):
    """Input that cannot be rated; a 400 problem+json if it reaches the API."""

    code = "invalid_rating_input"


@dataclass(frozen=True)
class Slab:
    upto: Decimal | None  # cumulative upper bound of this slab, inclusive; None = no limit
    rate: Decimal  # price per unit within the slab


def _amount(value: object, what: str) -> Decimal:
    # bool is an int and float is inexact: neither is money or a meter quantity.
    if not isinstance(value, Decimal):
        raise RatingError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise RatingError(f"{what} must be a finite number, got {value}")
    if value < 0:
        raise RatingError(f"{what} cannot be negative, got {value}")
    return value


def _check_slabs(slabs: Sequence[Slab]) -> None:
    if not slabs:
        raise RatingError("a slab tariff needs at least one slab")
    if slabs[-1].upto is not None:
        raise RatingError("the last slab must be open-ended (upto=None)")
    lower = ZERO
    for i, slab in enumerate(slabs):
        _amount(slab.rate, f"slab {i + 1} rate")
        if slab.upto is None:
            if i != len(slabs) - 1:
                raise RatingError(f"slab {i + 1} is open-ended but is not the last slab")
            continue
        if _amount(slab.upto, f"slab {i + 1} bound") <= lower:
            raise RatingError(f"slab bounds must increase: slab {i + 1} ends at {slab.upto}")
        lower = slab.upto


def rate_slabs(consumption: Decimal, slabs: Sequence[Slab]) -> Decimal:
    """The energy/volume charge for `consumption` under cumulative `slabs`, in cents."""
    _amount(consumption, "consumption")
    _check_slabs(slabs)
    total = ZERO
    lower = ZERO
    for slab in slabs:
        top = consumption if slab.upto is None else min(consumption, slab.upto)
        if top <= lower:
            break
        total += (top - lower) * slab.rate
        lower = top
    return total.quantize(CENTS, rounding=ROUND_HALF_UP)


def rate_bill(
    *, consumption: Decimal, slabs: Sequence[Slab], fixed_charge: Decimal = ZERO
) -> Decimal:
    """Slab charge plus the tariff's fixed charge (billed whatever the consumption), in cents."""
    fixed = _amount(fixed_charge, "fixed charge")
    return (rate_slabs(consumption, slabs) + fixed).quantize(CENTS, rounding=ROUND_HALF_UP)


def parse_slabs(raw: Iterable[Mapping[str, Any]]) -> list[Slab]:
    """Slabs from a tariff version's JSON: [{"upto": "300", "rate": "0.08"}, ..., {"upto": null}].

    Numbers must be strings or ints: a JSON float has already lost exactness.
    """
    def number(value: Any, what: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise RatingError(f"{what} must be a string or integer, got {value!r}")
        try:
            return Decimal(value)
        except InvalidOperation:
            raise RatingError(f"{what} is not a number: {value!r}") from None

    slabs = [
        Slab(
            upto=None if item.get("upto") is None else number(item["upto"], f"slab {i + 1} upto"),
            rate=number(item.get("rate"), f"slab {i + 1} rate"),
        )
        for i, item in enumerate(raw)
    ]
    _check_slabs(slabs)
    return slabs
