"""The tariff validator, by property: what it accepts is what bx can rate, what it refuses it
refuses for a named field."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from onboarding.tariffs.validation import slabs_check, tariff_check, tou_check
from smart360.contracts.onboarding import Season, Slab, Tariff, TouBand

rates = st.decimals(min_value=0, max_value=10, places=4, allow_nan=False, allow_infinity=False)
bounds = st.lists(st.decimals(min_value=Decimal("0.001"), max_value=100000, places=3),
                  min_size=0, max_size=8, unique=True)


@st.composite
def good_slabs(draw: st.DrawFn) -> list[Slab]:
    ups = sorted(draw(bounds))
    return [*(Slab(up_to=u, rate=draw(rates)) for u in ups), Slab(up_to=None, rate=draw(rates))]


@given(good_slabs())
def test_ascending_slabs_ending_open_are_valid(slabs):
    assert slabs_check(slabs, "slabs") == {}
    assert tariff_check(Tariff(kind="slab", slabs=slabs)) == {}


@given(good_slabs(), st.data())
def test_any_disorder_or_early_open_end_is_refused(slabs, data):
    if len(slabs) < 2:
        return
    i = data.draw(st.integers(0, len(slabs) - 2))
    swapped = list(slabs)
    swapped[i], swapped[-1] = swapped[-1], swapped[i]  # an open-ended slab before the last
    assert slabs_check(swapped, "slabs")
    closed = [*slabs[:-1], Slab(up_to=Decimal(10**6), rate=slabs[-1].rate)]
    assert f"slabs[{len(slabs) - 1}].up_to" in slabs_check(closed, "slabs")
    if len(slabs) >= 3:
        j = data.draw(st.integers(0, len(slabs) - 3))
        repeated = list(slabs)
        repeated[j + 1] = Slab(up_to=slabs[j].up_to, rate=slabs[j + 1].rate)  # overlap
        assert f"slabs[{j + 1}].up_to" in slabs_check(repeated, "slabs")


@given(st.lists(st.integers(0, 11), min_size=12, max_size=12))
def test_months_partitioned_into_seasons_are_valid_and_a_gap_or_overlap_is_not(labels):
    groups: dict[int, list[int]] = {}
    for month, label in enumerate(labels, start=1):
        groups.setdefault(label, []).append(month)
    seasons = [Season(name=f"s{k}", months=m, rate=Decimal("0.1")) for k, m in groups.items()]
    assert tariff_check(Tariff(kind="seasonal", seasons=seasons)) == {}
    first = seasons[0]
    dropped = [Season(name=first.name, months=first.months[1:] or [first.months[0]],
                      rate=first.rate), *seasons[1:]]
    if len(first.months) > 1:
        assert tariff_check(Tariff(kind="seasonal", seasons=dropped))
    doubled = [*seasons, Season(name="extra", months=[first.months[0]], rate=Decimal(1))]
    assert tariff_check(Tariff(kind="seasonal", seasons=doubled))


@given(st.lists(st.integers(1, 24 * 60 - 1), min_size=1, max_size=8, unique=True),
       st.integers(0, 24 * 60 - 1))
@settings(max_examples=60)
def test_bands_cutting_the_day_at_any_points_are_valid(cuts, shift):
    points = sorted({(c + shift) % (24 * 60) for c in [0, *cuts]})
    bands = [TouBand(name=f"b{i}", start=time(*divmod(a, 60)),
                     end=time(*divmod(points[(i + 1) % len(points)], 60)), rate=Decimal("0.1"))
             for i, a in enumerate(points)]
    if len(points) == 1:
        return  # one cut point: a band from t to t is empty, refused below
    assert tou_check(bands) == {}
    assert tou_check(bands[1:]) != {}  # a gap
    assert tou_check([*bands, bands[0].model_copy(update={"name": "again"})]) != {}  # an overlap


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_rate_is_either_accepted_or_refused_by_name(value):
    tariff = Tariff.model_construct(kind="flat", rate=value, fixed_charge=Decimal(0),
                                    tax_rate=Decimal(0), slabs=[], seasons=[], tou=[],
                                    additional_charges=[])
    errors = tariff_check(tariff)
    ok = value.is_finite() and Decimal(0) <= value <= Decimal("1e9") and \
        -int(value.as_tuple().exponent) <= 6
    assert (errors == {}) == ok
    assert set(errors) <= {"rate"}
