"""The rating engine: every tariff kind, the one rounding rule, proration, and its properties."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bx.billing.rating import (
    RatingError,
    Version,
    rate_one,
    rate_period,
    rate_slabs,
    segments,
    slab_lines,
    version_intervals,
)
from smart360.contracts.onboarding import Slab, Tariff
from smart360.errors import ApplicationError

D = Decimal
# DOMAIN.md's worked example: 0-300 at 0.08, 301-600 at 0.12, 601+ at 0.16.
DOMAIN_SLABS = [Slab(up_to=D(300), rate=D("0.08")), Slab(up_to=D(600), rate=D("0.12")),
                Slab(up_to=None, rate=D("0.16"))]
DOMAIN = Tariff(kind="slab", fixed_charge=D("15.00"), slabs=DOMAIN_SLABS)


def test_domain_worked_example():
    rated = rate_one(consumption=D(850), tariff=DOMAIN, unit="kWh")
    assert [(line.description, line.amount) for line in rated.lines] == [
        ("Energy 0-300 kWh", D("24.00")), ("Energy 301-600 kWh", D("36.00")),
        ("Energy 601+ kWh", D("40.00")), ("Fixed charge", D("15.00"))]
    assert rate_slabs(D(850), DOMAIN_SLABS) == D("100.00")
    assert (rated.subtotal, rated.tax, rated.total) == (D("115.00"), D("0.00"), D("115.00"))


@pytest.mark.parametrize(
    ("kwh", "amount"),
    [("0", "0.00"), ("1", "0.08"), ("300", "24.00"), ("301", "24.12"), ("600", "60.00"),
     ("601", "60.16"), ("300.5", "24.06")],
)
def test_slab_boundaries(kwh, amount):
    assert rate_slabs(D(kwh), DOMAIN_SLABS) == D(amount)


def test_lines_are_rounded_half_up_when_produced_and_totals_are_their_sums():
    tariff = Tariff(kind="slab", slabs=[Slab(up_to=D(1), rate=D("0.125")),
                                        Slab(up_to=None, rate=D("0.125"))])
    rated = rate_one(consumption=D(2), tariff=tariff)
    assert [line.amount for line in rated.lines] == [D("0.13"), D("0.13")]  # half-up, not 0.12
    assert rated.subtotal == D("0.26")  # the sum of the lines, not round(0.25)


def test_tax_is_on_the_rounded_subtotal():
    tariff = Tariff(kind="flat", rate=D("0.333"), tax_rate=D("0.15"))
    rated = rate_one(consumption=D(10), tariff=tariff)
    assert rated.subtotal == D("3.33")
    assert rated.tax == D("0.50")  # 3.33 x 0.15 = 0.4995 → 0.50; (3.33 unrounded 3.330) same here
    assert rated.total == D("3.83")


def test_flat_fixed_and_additional_charges():
    tariff = Tariff(kind="flat", rate=D("0.10"), fixed_charge=D("5"), tax_rate=D("0.10"),
                    additional_charges=[{"name": "Meter rent", "kind": "fixed", "amount": "2.50"},
                                        {"name": "Fuel adjustment", "kind": "per_unit", "amount": "0.01"},
                                        {"name": "Electricity duty", "kind": "percent", "amount": "5"}])
    rated = rate_one(consumption=D(200), tariff=tariff, unit="kWh")
    assert [(line.description, line.amount) for line in rated.lines] == [
        ("Energy kWh", D("20.00")), ("Fixed charge", D("5.00")), ("Meter rent", D("2.50")),
        ("Fuel adjustment", D("2.00")), ("Electricity duty (5%)", D("1.00"))]
    assert (rated.subtotal, rated.tax, rated.total) == (D("30.50"), D("3.05"), D("33.55"))


def test_a_fixed_tariff_bills_no_energy():
    rated = rate_one(consumption=D(999), tariff=Tariff(kind="fixed", fixed_charge=D("12.00")))
    assert [line.description for line in rated.lines] == ["Fixed charge"]
    assert rated.total == D("12.00")


def test_seasonal_tariff_uses_the_season_of_the_month():
    tariff = Tariff(kind="seasonal", seasons=[
        {"name": "Summer", "months": [6, 7, 8], "rate": "0.20"},
        {"name": "Rest", "months": [1, 2, 3, 4, 5, 9, 10, 11, 12],
         "slabs": [{"up_to": "100", "rate": "0.05"}, {"up_to": None, "rate": "0.10"}]}])
    assert rate_one(consumption=D(150), tariff=tariff, on=date(2026, 7, 1)).total == D("30.00")
    assert rate_one(consumption=D(150), tariff=tariff, on=date(2026, 1, 1)).total == D("10.00")


def test_seasonal_period_across_a_season_change_is_split_by_days():
    tariff = Tariff(kind="seasonal", seasons=[{"name": "Summer", "months": [6], "rate": "0.30"},
                                              {"name": "Winter", "months": [5], "rate": "0.10"}])
    segs = segments(date(2026, 5, 17), date(2026, 6, 15), [Version(date(2026, 1, 1), tariff)])
    assert [(s.start, s.days) for s in segs] == [(date(2026, 5, 17), 15), (date(2026, 6, 1), 15)]
    rated = rate_period(consumption=D(300), segments=segs)
    assert [line.amount for line in rated.lines] == [D("15.00"), D("45.00")]  # 150 @ .10, 150 @ .30


def test_time_of_use_rates_each_band_register():
    tariff = Tariff(kind="tou", fixed_charge=D("3"), tou=[
        {"name": "peak", "start": "17:00", "end": "22:00", "rate": "0.30"},
        {"name": "offpeak", "start": "22:00", "end": "17:00", "rate": "0.10"}])
    rated = rate_one(consumption=D(500), tariff=tariff, bands={"peak": D(100), "offpeak": D(400)})
    assert [line.amount for line in rated.lines] == [D("30.00"), D("40.00"), D("3.00")]
    with pytest.raises(RatingError, match="band registers"):
        rate_one(consumption=D(500), tariff=tariff)


# -- proration ---------------------------------------------------------------------------------
NEW = Tariff(kind="slab", fixed_charge=D("20.00"), tax_rate=D("0.10"),
             slabs=[Slab(up_to=D(300), rate=D("0.10")), Slab(up_to=None, rate=D("0.20"))])


def test_a_version_change_mid_period_prorates_by_days():
    versions = [Version(date(2026, 1, 1), DOMAIN, 1), Version(date(2026, 11, 21), NEW, 2)]
    segs = segments(date(2026, 11, 1), date(2026, 11, 30), versions)
    assert [(s.start, s.end, s.days, s.version.number) for s in segs] == [
        (date(2026, 11, 1), date(2026, 11, 20), 20, 1), (date(2026, 11, 21), date(2026, 11, 30), 10, 2)]
    rated = rate_period(consumption=D(900), segments=segs, unit="kWh")
    # 20/30 of 900 = 600 under v1 with bounds 200/400: 200x.08 + 200x.12 + 200x.16 = 72.00, fixed
    # 15 x 2/3 = 10.00; 300 under v2 with the bound 100: 100x.10 + 200x.20 = 50.00, fixed 6.67.
    assert [(line.quantity, line.amount) for line in rated.lines] == [
        (D("200.000"), D("16.00")), (D("200.000"), D("24.00")), (D("200.000"), D("32.00")),
        (D("0.667"), D("10.00")), (D("100.000"), D("10.00")), (D("200.000"), D("40.00")),
        (D("0.333"), D("6.67"))]
    assert rated.subtotal == D("138.67")
    assert rated.tax == D("5.67")  # 10 % of v2's 56.67 only: v1 has no tax
    assert rated.total == D("144.34")
    assert "(Nov 21-Nov 30)" in rated.lines[-1].description


def test_a_version_effective_at_the_period_start_is_not_prorated():
    versions = [Version(date(2026, 1, 1), DOMAIN, 1), Version(date(2026, 11, 1), NEW, 2)]
    segs = segments(date(2026, 11, 1), date(2026, 11, 30), versions)
    assert len(segs) == 1
    assert segs[0].version.number == 2
    assert rate_period(consumption=D(850), segments=segs).subtotal == D("160.00")  # 30+110+20 fixed


def test_the_first_version_applies_from_the_period_start():
    segs = segments(date(2026, 11, 1), date(2026, 11, 30), [Version(date(2026, 11, 10), DOMAIN)])
    assert [(s.start, s.days) for s in segs] == [(date(2026, 11, 1), 30)]


def test_no_version_is_a_rating_error():
    with pytest.raises(RatingError, match="no tariff"):
        segments(date(2026, 11, 1), date(2026, 11, 30), [])


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("consumption", "message"),
    [(D(-1), "consumption cannot be negative"), (850.0, "consumption must be a Decimal, got float"),
     (850, "consumption must be a Decimal, got int"), (D("NaN"), "consumption must be a finite"),
     (D("Infinity"), "consumption must be a finite number")],
)
def test_bad_consumption_is_refused_clearly(consumption, message):
    with pytest.raises(RatingError, match=message):
        rate_slabs(consumption, DOMAIN_SLABS)


@pytest.mark.parametrize(
    ("tariff", "message"),
    [(Tariff(kind="slab"), "at least one slab"),
     (Tariff(kind="slab", slabs=[Slab(up_to=D(300), rate=D(1))]), "last slab must be open-ended"),
     (Tariff(kind="slab", slabs=[Slab(up_to=None, rate=D(1)), Slab(up_to=None, rate=D(1))]),
      "not the last"),
     (Tariff(kind="slab", slabs=[Slab(up_to=D(600), rate=D(1)), Slab(up_to=D(300), rate=D(1)),
                                 Slab(up_to=None, rate=D(1))]), "bounds must increase"),
     (Tariff(kind="flat"), "needs a rate"), (Tariff(kind="tou"), "needs bands"),
     (Tariff(kind="seasonal"), "needs seasons")],
)
def test_malformed_tariffs_are_refused_as_400s(tariff, message):
    with pytest.raises(ApplicationError, match=message) as caught:
        rate_one(consumption=D(10), tariff=tariff)
    assert caught.value.status == 400


# -- properties -------------------------------------------------------------------------------
quantities = st.decimals(min_value=0, max_value=10_000_000, places=3)
rates = st.decimals(min_value=0, max_value=100, places=4)


@st.composite
def slab_tables(draw: st.DrawFn) -> list[Slab]:
    bounds = sorted(draw(st.sets(st.decimals(min_value=1, max_value=100_000, places=2), max_size=5)))
    return [*(Slab(up_to=b, rate=draw(rates)) for b in bounds), Slab(up_to=None, rate=draw(rates))]


@given(slabs=slab_tables(), consumption=quantities)
def test_slab_total_is_the_sum_of_its_tier_pieces(slabs, consumption):
    pieces = slab_lines(consumption, slabs)
    assert sum(p.quantity for p in pieces) == consumption  # every unit in exactly one tier
    assert rate_slabs(consumption, slabs) == sum(p.amount for p in pieces)
    for piece, slab in zip(pieces, slabs, strict=False):
        assert piece.amount == (piece.quantity * slab.rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@given(slabs=slab_tables(), a=quantities, b=quantities)
def test_more_consumption_never_costs_less(slabs, a, b):
    low, high = sorted((a, b))
    assert rate_slabs(low, slabs) <= rate_slabs(high, slabs)


@given(slabs=slab_tables(), consumption=quantities, fixed=st.decimals(0, 10_000, places=2),
       tax=st.decimals(0, 1, places=4))
def test_a_bill_adds_up(slabs, consumption, fixed, tax):
    rated = rate_one(consumption=consumption, tariff=Tariff(kind="slab", slabs=slabs,
                                                            fixed_charge=fixed, tax_rate=tax))
    assert rated.subtotal == sum(line.amount for line in rated.lines)
    assert rated.total == rated.subtotal + rated.tax
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in rated.lines)


@given(slabs=slab_tables(), consumption=quantities, cut=st.integers(1, 29))
def test_prorated_quantities_add_up_to_the_consumption(slabs, consumption, cut):
    tariff = Tariff(kind="slab", slabs=slabs)
    versions = [Version(date(2026, 1, 1), tariff, 1),
                Version(date(2026, 11, 1) + timedelta(days=cut), tariff, 2)]
    rated = rate_period(consumption=consumption,
                        segments=segments(date(2026, 11, 1), date(2026, 11, 30), versions))
    assert sum(line.quantity for line in rated.lines) == consumption


@given(days=st.lists(st.tuples(st.integers(0, 800), st.integers(1, 5)), min_size=1, max_size=12))
def test_versions_never_overlap(days):
    base = date(2025, 1, 1)
    versions = [Version(base + timedelta(days=d), DOMAIN, n) for d, n in days]
    intervals = version_intervals(versions)
    for (_, end, _), (start, _, _) in itertools.pairwise(intervals):
        assert end is not None
        assert end < start
        assert end + timedelta(days=1) == start
    assert intervals[-1][1] is None
    for start, _, version in intervals:  # of two versions on one day, the higher number stays
        assert version.number == max(n for d, n in days if base + timedelta(days=d) == start)


@given(slabs=slab_tables(), consumption=st.decimals(max_value=D("-0.001"), places=3,
                                                     allow_nan=False, allow_infinity=False))
def test_negative_consumption_is_always_refused(slabs, consumption):
    with pytest.raises(RatingError, match="cannot be negative"):
        rate_slabs(consumption, slabs)
