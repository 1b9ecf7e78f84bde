"""The registry: the real services.toml is complete and consistent; mistakes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from smart360.registry import ROLES, RegistryError, parse

REPO = Path(__file__).resolve().parents[4]
REAL = REPO / "services.toml"


@pytest.fixture
def real():
    return parse(REAL)


def test_the_nine_services_with_the_seed_cluster(real):
    assert list(real.services) == ["auth", "onboarding", "cx", "mx", "bx", "rx", "wx", "ax",
                                   "notification"]
    asg = real.cluster.asg
    assert (real.cluster.name, asg.min, asg.max, asg.desired) == ("smart360-prod", 1, 2, 2)
    assert (asg.instance_warmup_seconds, asg.cpu_target_percent) == (300, 90)
    assert asg.on_demand_only
    assert asg.multi_az


def test_every_service_has_three_roles_and_web_scales_on_cpu_and_memory_90(real):
    for svc in real.services.values():
        assert set(svc.roles) == set(ROLES)
        assert (svc.web().cpu_target_percent, svc.web().memory_target_percent) == (90, 90)
        assert (svc.beat().min_tasks, svc.beat().max_tasks) == (1, 1)
        assert svc.prefix == f"/{svc.name}/"
        assert svc.health_path == f"/{svc.name}/healthz"


def test_overrides_apply_to_one_service_only(real):
    assert real.service("bx").worker().memory == 2048
    assert real.service("cx").worker().memory == 1024


def test_every_subscribed_event_has_a_publisher_and_subscribers_resolve(real):
    assert [s.name for s in real.subscribers("cx.consumer.created")] == ["notification"]
    assert real.publisher("cx.consumer.created").name == "cx"
    assert real.subscribers("no.such.event") == []


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "services.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("change", "message"), [
    (('local_port = 8130', 'local_port = 8120'), "share local_port"),
    (('local_port = 8130', 'local_port = 8121'), "overlap across web instances"),
    (('database = "smart360_cx"', 'database = "smart360_mx"'), "share database"),
    (('prefix = "/cx/"', 'prefix = "/consumers/"'), "prefix must be /cx/"),
    (('publishes = ["cx.consumer.created",', 'publishes = ["rx.consumer.created",'),
     "only publish its own"),
    (('subscribes = ["onboarding.organization.created"]', 'subscribes = ["cx.nothing.happened"]'),
     "unpublished events"),
    (("concurrency = 2\n", "concurrency = 2\nthreads = 9\n"), "unknown worker setting"),
])
def test_inconsistent_registries_are_refused(tmp_path, change, message):
    text = REAL.read_text()
    assert change[0] in text
    with pytest.raises(RegistryError, match=message):
        parse(_write(tmp_path, text.replace(change[0], change[1], 1)))


def test_beat_is_one_task_whatever_the_file_says(tmp_path):
    text = REAL.read_text().replace("[defaults.beat]", "[defaults.beat]\nmax_tasks = 3")
    registry = parse(_write(tmp_path, text))
    assert all(s.beat().max_tasks == 1 for s in registry.services.values())


def test_port_offset_shifts_every_local_port(real):
    shifted = parse(REAL, port_offset=10000)
    cx = shifted.service("cx")
    assert shifted.local.port("gateway") == real.local.port("gateway") + 10000
    assert shifted.local.web_port(cx, 1) == cx.local_port + 1 + 10000


def test_permission_modules_and_roles_come_from_the_registry(real):
    assert "cx.consumers.write" in real.permission_codes()
    assert set(real.tenant_roles) >= {"admin", "clerk", "viewer", "technician"}
    assert set(real.platform_roles) == {"ops", "service"}


@pytest.mark.parametrize(("grant", "problem"), [
    ('clerk = ["cx.nope.*"]', "names no known"),
    ('clerk = ["zz.*"]', "names no known"),
    ('clerk = ["cx.consumers.delete"]', "names no known"),
    ('clerk = ["cx.consumers"]', "is not *"),
])
def test_a_role_granting_an_unknown_module_is_refused(tmp_path, grant, problem):
    text = REAL.read_text().replace('clerk = ["*.read", "cx.*", "rx.*", "notification.messages.*"]',
                                    grant)
    (tmp_path / "services.toml").write_text(text)
    with pytest.raises(RegistryError, match=problem):
        parse(tmp_path / "services.toml")
def test_a_local_profile_overrides_only_its_keys(real):
    lite = parse(REAL, profile="lite")
    assert (real.local.profile, lite.local.profile) == ("default", "lite")
    assert (real.local.web_instances, lite.local.web_instances) == (2, 1)
    assert lite.local.worker_concurrency == real.local.worker_concurrency
    assert lite.local.memory_budget_mb <= real.local.memory_budget_mb


def test_unknown_profiles_and_profile_keys_are_refused(tmp_path):
    with pytest.raises(RegistryError, match="unknown local profile 'huge'"):
        parse(REAL, profile="huge")
    text = REAL.read_text().replace("[local.profiles.lite]", "[local.profiles.lite]\nweb_instancez = 3")
    with pytest.raises(RegistryError, match="unknown setting"):
        parse(_write(tmp_path, text), profile="lite")


def test_workers_and_beats_serve_metrics_on_the_last_ports_of_their_service_block(real):
    cx = real.service("cx")
    ports = {real.local.metrics_port(s, r) for s in real.services.values() for r in ("worker", "beat")}
    web = {real.local.web_port(s, i) for s in real.services.values()
           for i in range(real.local.web_instances)}
    assert (real.local.metrics_port(cx, "worker"), real.local.metrics_port(cx, "beat")) == (
        cx.local_port + 8, cx.local_port + 9)
    assert len(ports) == 2 * len(real.services)
    assert not ports & web
