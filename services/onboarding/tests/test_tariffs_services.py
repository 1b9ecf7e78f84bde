from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.factories import TariffFactory, TariffVersionFactory

from onboarding.tariffs.models import TariffVersion
from onboarding.tariffs.services import tariff_versions_activate_due
from onboarding.tariffs.tasks import activate_tariff_versions
from smart360.django.models import JobRun

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 0, 5, tzinfo=UTC)
S = TariffVersion.Status


def activate() -> dict[str, int]:
    return tariff_versions_activate_due(today=TODAY, now=NOW)


def statuses(*versions: TariffVersion) -> list[str]:
    return [TariffVersion.objects.get(pk=v.pk).status for v in versions]


def test_version_due_today_replaces_the_active_one():
    tariff = TariffFactory()
    old = TariffVersionFactory(tariff=tariff, number=1, status=S.ACTIVE,
                               effective_from=date(2025, 1, 1))
    new = TariffVersionFactory(tariff=tariff, number=2, effective_from=TODAY)

    assert activate() == {"activated": 1, "superseded": 1}

    assert statuses(old, new) == [S.SUPERSEDED, S.ACTIVE]
    assert TariffVersion.objects.get(pk=new.pk).activated_at == NOW


def test_version_effective_tomorrow_waits():
    tariff = TariffFactory()
    current = TariffVersionFactory(tariff=tariff, number=1, status=S.ACTIVE,
                                   effective_from=date(2025, 1, 1))
    tomorrow = TariffVersionFactory(tariff=tariff, number=2,
                                    effective_from=TODAY + timedelta(days=1))

    assert activate() == {"activated": 0, "superseded": 0}
    assert statuses(current, tomorrow) == [S.ACTIVE, S.SCHEDULED]


def test_first_version_of_a_tariff_activates_with_nothing_to_supersede():
    version = TariffVersionFactory(effective_from=TODAY - timedelta(days=3))

    assert activate() == {"activated": 1, "superseded": 0}
    assert statuses(version) == [S.ACTIVE]


def test_only_the_newest_due_version_wins():
    tariff = TariffFactory()
    active = TariffVersionFactory(tariff=tariff, number=1, status=S.ACTIVE,
                                  effective_from=date(2025, 1, 1))
    missed = TariffVersionFactory(tariff=tariff, number=2, effective_from=date(2025, 3, 1))
    newest = TariffVersionFactory(tariff=tariff, number=3, effective_from=date(2025, 3, 5))
    future = TariffVersionFactory(tariff=tariff, number=4, effective_from=date(2025, 4, 1))

    assert activate() == {"activated": 1, "superseded": 2}
    assert statuses(active, missed, newest, future) == [
        S.SUPERSEDED, S.SUPERSEDED, S.ACTIVE, S.SCHEDULED
    ]


def test_same_effective_date_is_decided_by_the_higher_version_number():
    tariff = TariffFactory()
    lower = TariffVersionFactory(tariff=tariff, number=5, effective_from=TODAY)
    higher = TariffVersionFactory(tariff=tariff, number=6, effective_from=TODAY)

    activate()
    assert statuses(lower, higher) == [S.SUPERSEDED, S.ACTIVE]


def test_a_scheduled_version_older_than_the_active_one_never_takes_over():
    tariff = TariffFactory()
    active = TariffVersionFactory(tariff=tariff, number=2, status=S.ACTIVE,
                                  effective_from=date(2025, 3, 1))
    late = TariffVersionFactory(tariff=tariff, number=3, effective_from=date(2025, 2, 1))

    assert activate() == {"activated": 0, "superseded": 1}
    assert statuses(active, late) == [S.ACTIVE, S.SUPERSEDED]


def test_tariffs_are_decided_independently():
    a, b = TariffFactory(), TariffFactory(tenant_id="00000000-0000-0000-0000-0000000000b2")
    a_due = TariffVersionFactory(tariff=a, effective_from=TODAY)
    b_active = TariffVersionFactory(tariff=b, number=1, status=S.ACTIVE,
                                    effective_from=date(2024, 1, 1))
    b_future = TariffVersionFactory(tariff=b, number=2, effective_from=date(2025, 6, 1))

    activate()
    assert statuses(a_due, b_active, b_future) == [S.ACTIVE, S.ACTIVE, S.SCHEDULED]


def test_running_twice_changes_nothing_the_second_time():
    tariff = TariffFactory()
    TariffVersionFactory(tariff=tariff, number=1, status=S.ACTIVE, effective_from=date(2025, 1, 1))
    TariffVersionFactory(tariff=tariff, number=2, effective_from=TODAY)
    activate()
    before = list(TariffVersion.objects.order_by("pk").values("status", "updated_at"))

    assert activate() == {"activated": 0, "superseded": 0}
    assert list(TariffVersion.objects.order_by("pk").values("status", "updated_at")) == before


def test_task_runs_the_service_and_records_the_job():
    version = TariffVersionFactory(effective_from=date(2020, 1, 1))

    result = activate_tariff_versions.delay().get()

    assert result == {"activated": 1, "superseded": 0}
    assert statuses(version) == [S.ACTIVE]
    run = JobRun.objects.get(name="onboarding.activate_tariff_versions")
    assert (run.last_status, run.runs, run.last_result) == (JobRun.Status.OK, 1, result)


def test_work_is_set_based_whatever_the_number_of_tariffs(django_assert_max_num_queries):
    for n in range(20):
        tariff = TariffFactory()
        TariffVersionFactory(tariff=tariff, number=2 * n + 1, status=S.ACTIVE,
                             effective_from=date(2025, 1, 1))
        TariffVersionFactory(tariff=tariff, number=2 * n + 2, effective_from=TODAY)

    # Two UPDATEs (plus the savepoint pair of the atomic block), never one per row.
    with django_assert_max_num_queries(4) as captured:
        assert activate() == {"activated": 20, "superseded": 20}
    assert sum(q["sql"].startswith("UPDATE") for q in captured.captured_queries) == 2
