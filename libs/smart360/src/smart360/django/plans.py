"""Query plans: the ORM's SQL compiled once per query shape, for every read of a tenant model.

A one-row GET spends more time building SQL than the database spends answering it: setting up
the select list, the joins, the ordering (measured: ~30 % of a detail view's worker time).
That part depends only on the *shape* of the queryset — which columns, which joins, which
ordering, which limit — not on the values it filters by. So a PlannedQuerySet caches, per shape,
everything around the WHERE clause: the SQL before and after it, the row converters and how rows
become model instances. Each evaluation still compiles its own WHERE clause (the cheap part,
through Django's own lookups, so every value is prepared exactly as the ORM prepares it), and
the cached plan is used only when:

- the queryset is plain (no annotations, extra(), aggregation, unions, locking, raw SQL,
  subqueries or expressions in its filters, rows for a related manager's known objects);
- its WHERE compiles to exactly the SQL text the plan was made with, and
- when the plan was made, every parameter of the full query came from the WHERE clause.

Otherwise the queryset runs the normal way. Plans are kept per thread (converters belong to a
connection) and per database alias, in a bounded dict. `tests/django/test_plans.py` checks the
results equal the ORM's for generated querysets.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.query import (  # type: ignore[attr-defined]
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.where import WhereNode

MAX_PLANS = 512  # per thread; a service has a few dozen read shapes
_local = threading.local()


class Unplannable(Exception):
    """This queryset takes the normal path."""


@dataclass(frozen=True)
class Plan:
    sql: str
    where_sql: str
    converters: dict[int, Any]
    compiler: Any  # kept for apply_converters (bound to this thread's connection)
    names: tuple[str, ...]  # values(): the dict keys
    model: Any
    init_list: tuple[str, ...]
    model_slice: tuple[int, int]
    related_populators: tuple[Any, ...]


def _rhs_shape(rhs: Any) -> Hashable:
    if hasattr(rhs, "resolve_expression"):
        raise Unplannable("an expression on the right-hand side")
    if isinstance(rhs, list | tuple | set | frozenset):
        return ("seq", len(rhs))
    if rhs is None or isinstance(rhs, bool):
        return ("literal", rhs)
    return ("value", type(rhs).__name__)


def _where_shape(node: Any) -> Hashable:
    if isinstance(node, WhereNode):
        return (node.connector, node.negated, tuple(_where_shape(c) for c in node.children))
    if isinstance(node, Lookup) and isinstance(node.lhs, Col):
        target = node.lhs.target
        return (type(node), node.lhs.alias, target.model._meta.label, target.column,
                _rhs_shape(node.rhs))
    raise Unplannable(f"a {type(node).__name__} in the WHERE clause")


def _shape(queryset: models.QuerySet[Any]) -> Hashable:
    """Everything about a queryset that decides its SQL around the WHERE clause."""
    q = queryset.query
    if (q.annotations or q.extra or q.extra_select or q.combinator or q.group_by
            or q.select_for_update or q.distinct_fields or q.subquery or q.is_empty()
            or queryset._known_related_objects  # type: ignore[attr-defined]
            or (queryset._fields and not q.values_select)):  # type: ignore[attr-defined]
        raise Unplannable("not a plain read")
    joins = tuple((alias, j.table_name, j.join_type, j.parent_alias,
                   getattr(getattr(j, "join_field", None), "name", None))
                  for alias, j in q.alias_map.items())
    select_related = q.select_related if isinstance(q.select_related, bool) else \
        repr(sorted(q.select_related.items()))
    return (queryset.model, queryset.db, queryset._iterable_class, q.values_select,
            q.default_cols, tuple(map(repr, q.select)), q.order_by, q.extra_order_by,
            q.standard_ordering, q.default_ordering, q.low_mark, q.high_mark, q.distinct,
            repr(q.deferred_loading), select_related, joins, _where_shape(q.where))


def _plans() -> dict[Hashable, Plan | None]:
    plans: dict[Hashable, Plan | None] | None = getattr(_local, "plans", None)
    if plans is None or len(plans) > MAX_PLANS:
        plans = _local.plans = {}
    return plans


def _where(compiler: Any) -> tuple[str, list[Any]]:
    try:
        sql, params = compiler.compile(compiler.query.where)
    except (EmptyResultSet, FullResultSet) as exc:
        raise Unplannable(type(exc).__name__) from exc
    return sql, list(params)


def _make_plan(queryset: models.QuerySet[Any]) -> Plan | None:
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    where_sql, where_params = _where(compiler)
    if list(params) != where_params or sql.count(where_sql) != 1:
        return None  # parameters outside the WHERE clause: not cached
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    names: tuple[str, ...] = ()
    model, init_list, model_slice, populators = None, (), (0, 0), ()
    if queryset._iterable_class is not ModelIterable:
        names = tuple(queryset.query.selected or queryset.query.values_select)
    else:
        info, select = compiler.klass_info, compiler.select
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        model, model_slice = info["model"], (start, end)
        init_list = tuple(f[0].target.attname for f in select[start:end])
        populators = tuple(get_related_populators(info, select, queryset.db))
    return Plan(sql, where_sql, compiler.get_converters(fields), compiler, names, model,
                init_list, model_slice, populators)


def evaluate(queryset: models.QuerySet[Any]) -> list[Any] | None:
    """The queryset's rows through a cached plan, or None to let the ORM run it."""
    shape_of_rows = queryset._iterable_class
    if shape_of_rows not in (ModelIterable, ValuesIterable, ValuesListIterable,
                             FlatValuesListIterable):
        return None
    try:
        key = (id(connections[queryset.db]), _shape(queryset))
        plans = _plans()
        if key not in plans:
            plans[key] = _make_plan(queryset)
        plan = plans[key]
        if plan is None:
            return None
        where_sql, params = _where(queryset.query.get_compiler(queryset.db))
    except Unplannable:
        return None
    if where_sql != plan.where_sql:
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows: Any = cursor.fetchall()
    if plan.converters:
        rows = plan.compiler.apply_converters(rows, plan.converters)
    if shape_of_rows is ValuesIterable:
        return [dict(zip(plan.names, row, strict=True)) for row in rows]
    if shape_of_rows is ValuesListIterable:
        return [tuple(row) for row in rows]
    if shape_of_rows is FlatValuesListIterable:
        return [row[0] for row in rows]
    start, end = plan.model_slice
    built = []
    for row in rows:
        obj = plan.model.from_db(queryset.db, plan.init_list, row[start:end])
        for populator in plan.related_populators:
            populator.populate(row, obj)
        built.append(obj)
    return built


class PlannedQuerySet(models.QuerySet):
    """A QuerySet whose reads use a cached plan when they can (see the module docstring)."""

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._result_cache = evaluate(self)
        super()._fetch_all()


class PlannedManager(models.Manager[Any]):
    """The default manager of tenant-owned models: its querysets are PlannedQuerySets."""

    def get_queryset(self) -> PlannedQuerySet:
        return PlannedQuerySet(self.model, using=self._db, hints=self._hints)  # type: ignore[attr-defined]
