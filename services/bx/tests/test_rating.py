from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bx.billing.rating import RatingError, Slab, parse_slabs, rate_bill, rate_slabs
from smart360.errors import ApplicationError

D = Decimal
# DOMAIN.md's worked example: 0-300 at 0.08, 301-600 at 0.12, 601+ at 0.16.
DOMAIN_SLABS = [Slab(upto=D(300), rate=D("0.08")), Slab(upto=D(600), rate=D("0.12")),
                Slab(upto=None, rate=D("0.16"))]


def test_domain_worked_example():
    assert rate_slabs(D(850), DOMAIN_SLABS) == D("100.00")
    assert rate_bill(consumption=D(850), slabs=DOMAIN_SLABS, fixed_charge=D("15.00")) == D(
        "115.00"
    )


@pytest.mark.parametrize(
    ("kwh", "amount"),
    [
        ("0", "0.00"),
        ("1", "0.08"),
        ("300", "24.00"),  # 300 x 0.08
        ("301", "24.12"),  # + 1 x 0.12
        ("600", "60.00"),  # 24 + 300 x 0.12
        ("601", "60.16"),  # + 1 x 0.16
        ("300.5", "24.06"),  # 24 + 0.5 x 0.12
    ],
)
def test_slab_boundaries(kwh, amount):
    assert rate_slabs(D(kwh), DOMAIN_SLABS) == D(amount)


def test_fixed_charge_is_billed_even_without_consumption():
    assert rate_bill(consumption=D(0), slabs=DOMAIN_SLABS, fixed_charge=D("15.00")) == D("15.00")


def test_rounds_half_up_to_cents_once_at_the_end():
    slabs = [Slab(upto=None, rate=D("0.125"))]
    assert rate_slabs(D(1), slabs) == D("0.13")  # banker's rounding would give 0.12
    assert rate_slabs(D(3), slabs) == D("0.38")  # 0.375; rounding per unit would give 0.39
    assert rate_slabs(D(1), slabs).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("consumption", "message"),
    [
        (D(-1), "consumption cannot be negative"),
        (850.0, "consumption must be a Decimal, got float"),
        (850, "consumption must be a Decimal, got int"),
        (D("NaN"), "consumption must be a finite number"),
        (D("Infinity"), "consumption must be a finite number"),
    ],
)
def test_bad_consumption_is_refused_clearly(consumption, message):
    with pytest.raises(RatingError, match=message):
        rate_slabs(consumption, DOMAIN_SLABS)


def test_rating_errors_are_application_errors_so_the_api_answers_400():
    with pytest.raises(ApplicationError) as caught:
        rate_bill(consumption=D(1), slabs=DOMAIN_SLABS, fixed_charge=D("-1"))
    assert caught.value.status == 400
    assert "fixed charge cannot be negative" in caught.value.detail


@pytest.mark.parametrize(
    ("slabs", "message"),
    [
        ([], "at least one slab"),
        ([Slab(upto=D(300), rate=D("0.08"))], "last slab must be open-ended"),
        ([Slab(upto=None, rate=D("0.08")), Slab(upto=None, rate=D("0.1"))], "not the last"),
        ([Slab(upto=D(600), rate=D(1)), Slab(upto=D(300), rate=D(1)),
          Slab(upto=None, rate=D(1))], "bounds must increase"),
        ([Slab(upto=None, rate=D("-0.1"))], "rate cannot be negative"),
    ],
)
def test_malformed_slabs_are_refused(slabs, message):
    with pytest.raises(RatingError, match=message):
        rate_slabs(D(10), slabs)


def test_parse_slabs_reads_a_tariff_version_json():
    raw = [{"upto": "300", "rate": "0.08"}, {"upto": 600, "rate": "0.12"},
           {"upto": None, "rate": "0.16"}]
    assert parse_slabs(raw) == DOMAIN_SLABS


@pytest.mark.parametrize("bad", [0.08, True, "abc", None])
def test_parse_slabs_refuses_inexact_or_missing_numbers(bad):
    with pytest.raises(RatingError):
        parse_slabs([{"upto": None, "rate": bad}])


# --- properties -------------------------------------------------------------------------------

quantities = st.decimals(min_value=0, max_value=10_000_000, places=3)
rates = st.decimals(min_value=0, max_value=100, places=4)


@st.composite
def slab_tables(draw: st.DrawFn) -> list[Slab]:
    bounds = sorted(draw(st.sets(st.decimals(min_value=1, max_value=100_000, places=2),
                                 max_size=5)))
    slabs = [Slab(upto=b, rate=draw(rates)) for b in bounds]
    return [*slabs, Slab(upto=None, rate=draw(rates))]


@given(slabs=slab_tables(), a=quantities, b=quantities)
def test_more_consumption_never_costs_less(slabs, a, b):
    low, high = sorted((a, b))
    assert rate_slabs(low, slabs) <= rate_slabs(high, slabs)


@given(slabs=slab_tables(), consumption=quantities)
def test_never_negative_and_always_in_cents(slabs, consumption):
    amount = rate_slabs(consumption, slabs)
    assert amount >= 0
    assert amount == amount.quantize(D("0.01"))


@given(slabs=slab_tables(), consumption=quantities, fixed=st.decimals(0, 10_000, places=2))
def test_fixed_charge_adds_exactly(slabs, consumption, fixed):
    assert rate_bill(consumption=consumption, slabs=slabs, fixed_charge=fixed) == (
        rate_slabs(consumption, slabs) + fixed
    )


@given(rate=rates, consumption=quantities)
def test_a_single_open_slab_is_a_flat_rate(rate, consumption):
    expected = (rate * consumption).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert rate_slabs(consumption, [Slab(upto=None, rate=rate)]) == expected


@given(slabs=slab_tables(), consumption=st.decimals(max_value=D("-0.001"), places=3,
                                                     allow_nan=False, allow_infinity=False))
def test_negative_consumption_is_always_refused(slabs, consumption):
    with pytest.raises(RatingError, match="cannot be negative"):
        rate_slabs(consumption, slabs)
