"""Money and quantities: Decimal only, and ONE rounding rule for the whole platform.

The rule: every amount that is shown or stored (a bill line, a tax, a payment, an allocation) is
rounded half-up to the currency's minor unit (cents) at the moment it is produced; sums are sums
of rounded amounts, so a bill's lines always add up to its total. Rates and quantities keep
their own precision (rates 6 places, quantities 3) and are never rounded to cents before use.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
QUANTITY = Decimal("0.001")
RATE = Decimal("0.000001")
ZERO = Decimal("0.00")


def to_decimal(value: object) -> Decimal:
    """A Decimal from a Decimal, int or decimal string; floats are refused (binary fractions)."""
    if isinstance(value, float):
        raise TypeError("money and quantities are never floats; pass a Decimal or a string")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc


def money(value: object) -> Decimal:
    """Round to cents, half-up: the platform's one rounding rule."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: object) -> Decimal:
    return to_decimal(value).quantize(QUANTITY, rounding=ROUND_HALF_UP)
