"""CompiledQuery: the ORM's SQL compiled once, run with new values, converters applied."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smart360.django.hotpath import CompiledQuery
from smart360.django.models import JobRun

pytestmark = pytest.mark.django_db

by_name = CompiledQuery(
    lambda name: JobRun.objects.filter(name=name, runs__gte=0).values("name", "runs", "last_result"),
    name="\x00sentinel",
)


def test_runs_the_compiled_sql_with_new_values_and_converters():
    JobRun.objects.create(name="a.job", runs=3, last_result={"sent": 2})
    JobRun.objects.create(name="b.job", runs=1, last_result={})
    assert by_name.first(name="a.job") == {"name": "a.job", "runs": 3, "last_result": {"sent": 2}}
    assert by_name.first(name="b.job")["runs"] == 1  # the JSON column came back decoded
    assert by_name.first(name="nope") is None


def test_each_call_is_one_query_and_no_recompilation(django_assert_num_queries, monkeypatch):
    JobRun.objects.create(name="a.job")
    by_name.first(name="a.job")  # compiled in this thread now
    monkeypatch.setattr(CompiledQuery, "_compile", lambda self: pytest.fail("recompiled"))
    with CaptureQueriesContext(connection) as queries:
        by_name.first(name="a.job")
    assert len(queries) == 1
    assert "runs" in queries[0]["sql"]


def test_constants_stay_and_mistakes_are_refused():
    with pytest.raises(ValueError, match="values"):
        CompiledQuery(lambda name: JobRun.objects.filter(name=name), name="x")._compile()
    with pytest.raises(ValueError, match="not found"):
        CompiledQuery(lambda name: JobRun.objects.filter(runs=1).values("name"), name="x")._compile()
    with pytest.raises(TypeError, match="expected arguments"):
        by_name.rows(nme="a.job")
