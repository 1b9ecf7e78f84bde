"""Planned reads return exactly what the ORM returns, for generated querysets."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from demoapp.models import Widget
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smart360.django import plans

pytestmark = pytest.mark.django_db
TENANTS = [uuid.UUID(int=1), uuid.UUID(int=2)]
STATUSES = ["DRAFT", "ACTIVE", "RETIRED"]


@pytest.fixture
def widgets():
    Widget.objects.bulk_create([
        Widget(tenant_id=TENANTS[i % 2], name=f"w{i} {'Ünïcode' if i % 5 == 0 else 'plain'}",
               status=STATUSES[i % 3], price=Decimal(i) / 4) for i in range(40)])
    return list(Widget.objects.values_list("pk", flat=True))


filters = st.fixed_dictionaries({}, optional={
    "tenant_id": st.sampled_from(TENANTS),
    "status": st.sampled_from(STATUSES),
    "status__in": st.lists(st.sampled_from(STATUSES), max_size=3),
    "name__icontains": st.sampled_from(["w1", "Ünï", "plain", "%", "_", ""]),
    "price__gt": st.decimals(min_value=0, max_value=12, places=2),
    "id__lt": st.integers(min_value=-5, max_value=10**12),
    "name": st.text(st.characters(blacklist_characters="\x00"), max_size=5),
})
shapes = st.sampled_from(["models", "values", "values_list", "flat", "first"])


def run(qs: QuerySet, shape: str):
    if shape == "models":
        return [(w.pk, w.tenant_id, w.name, w.status, w.price) for w in qs]
    if shape == "values":
        return list(qs.values("id", "name", "price"))
    if shape == "values_list":
        return list(qs.values_list("id", "status"))
    if shape == "flat":
        return list(qs.values_list("price", flat=True))
    first = qs.first()
    return first and (first.pk, first.name)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(where=filters, order=st.sampled_from(["-id", "id", "name", "-price"]),
       limit=st.sampled_from([None, 1, 3, 51]), shape=shapes, negate=st.booleans())
def test_planned_reads_equal_the_orm(widgets, where, order, limit, shape, negate):
    def build(base: QuerySet) -> QuerySet:
        qs = base.exclude(**where) if negate and where else base.filter(**where)
        qs = qs.order_by(order)
        return qs[:limit] if limit else qs

    planned = build(Widget.objects.all())
    plain = build(QuerySet(Widget))
    assert type(planned) is plans.PlannedQuerySet
    assert run(planned, shape) == run(plain, shape)
    assert run(build(Widget.objects.all()), shape) == run(plain, shape)  # from the cached plan


def test_a_plain_read_reuses_its_plan_and_prepares_values_like_the_orm(widgets):
    tenant = TENANTS[0]
    first = Widget.objects.filter(tenant_id=tenant, pk=widgets[0]).first()
    plans._local.plans.clear()
    with CaptureQueriesContext(connection) as queries:
        for pk in widgets[:6]:
            row = Widget.objects.filter(tenant_id=str(tenant), pk=str(pk)).first()  # strings
            assert row is None or row.pk == pk
    assert len(queries) == 6
    assert [p is not None for p in plans._local.plans.values()] == [True]  # one shape, one plan
    assert first.pk == widgets[0]


def test_what_a_plan_cannot_cover_runs_the_normal_way(widgets):
    from django.db.models import Count, F

    plans._local.plans.clear()
    assert Widget.objects.filter(price__gt=F("id")).count() >= 0
    assert list(Widget.objects.filter(price__gt=F("id") - 10**9).values_list("id", flat=True))
    assert Widget.objects.annotate(n=Count("id")).first().n == 1
    assert list(Widget.objects.filter(Q(status="DRAFT") | Q(status="ACTIVE")).values("id"))
    assert Widget.objects.filter(status__in=[]).first() is None  # an empty IN: never a plan
    assert all(p is None or "price" not in p.where_sql or "+" not in p.sql
               for p in plans._local.plans.values())
