"""`smart360 deploy` against a scripted ECS (Stubber) and moto's ECR, Secrets Manager, EC2."""

from __future__ import annotations

import pytest

from smart360.deploy.aws import Clients
from smart360.deploy.operations import DeployError, deploy
from smart360.registry import Registry

from .conftest import (
    FakeTime,
    create_secrets,
    deployment,
    make_target,
    push_image,
    rewrite_registry,
)
from .ecs_script import CLUSTER, EcsScript

TAG = "git-abc123"


@pytest.fixture
def ready(rendered: Registry, clients: Clients) -> Registry:
    """The image is in ECR and the secrets exist: only ECS decides how the deploy goes."""
    push_image(clients, rendered, "demo", TAG)
    create_secrets(clients, rendered, "demo", CLUSTER)
    return rendered


def run(registry: Registry, clients: Clients, script: EcsScript, fake_time: FakeTime,
        lines: list[str], timeout: float = 600) -> dict:
    clients.ecs = script.client
    with script.stub:
        try:
            result = deploy(make_target(registry, clients, fake_time, lines), "demo", TAG,
                            timeout=timeout)
        except DeployError:
            script.stub.assert_no_pending_responses()  # every scripted step happened
            raise
        script.stub.assert_no_pending_responses()
        return result


def test_a_good_deploy_migrates_then_rolls_worker_web_beat(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration(polls=2)
    s.rolled("worker").rolled("web").rolled("beat").verify()
    registered = run(ready, clients, s, fake_time, lines)
    assert registered == s.new
    output = "\n".join(lines)
    assert output.index("rolling demo-worker") < output.index("rolling demo-web") < \
        output.index("rolling demo-beat")
    assert "migrations done (exit 0)" in output
    assert "has reached a steady state" in output
    assert "deployed demo git-abc123" in lines[-1]
    assert fake_time.now - 1000 < 120  # the fake clock moved only by the polls


def test_ecs_circuit_breaker_rollback_is_a_failure_and_we_restore_everything(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.update("web")
    s.poll("web", [deployment(s.new["web"], rollout="IN_PROGRESS", running=0),
                   deployment(s.old["web"], status="ACTIVE")])
    # The breaker tripped: ECS made the old revision PRIMARY again; ours FAILED.
    s.poll("web", [deployment(s.old["web"], rollout="IN_PROGRESS"),
                   deployment(s.new["web"], status="ACTIVE", rollout="FAILED", running=0,
                              reason="ECS deployment circuit breaker: tasks failed to start.")],
           events=("(service demo-web) rolling back to deployment ecs-svc/1",))
    # Rollback: web is already back (nothing to update), wait for it; then the worker.
    s.look("web", [deployment(s.old["web"], rollout="IN_PROGRESS")])
    s.poll("web", [deployment(s.old["web"], rollout="IN_PROGRESS"),
                   deployment(s.new["web"], status="ACTIVE", rollout="FAILED")],
           target=s.old["web"])
    s.poll("web", [deployment(s.old["web"])], target=s.old["web"])
    s.look("worker", [deployment(s.new["worker"])])  # what runs before the rollback
    s.rolled("worker", target=s.old["worker"])
    with pytest.raises(DeployError, match=r"circuit breaker.*rolled back to the previous"):
        run(ready, clients, s, fake_time, lines)
    assert any("already back on demo-web:4" in line for line in lines)
    assert any("rolling back to demo-worker:4" in line for line in lines)


def test_a_deploy_ecs_reverted_before_we_looked_is_never_a_success(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """Steady, one deployment, all tasks running... on the OLD revision: that is a failure."""
    s = EcsScript().live().register().migration()
    s.update("worker")
    s.poll("worker", [deployment(s.old["worker"])])
    s.look("worker", [deployment(s.old["worker"])])
    s.poll("worker", [deployment(s.old["worker"])], target=s.old["worker"])
    with pytest.raises(DeployError, match="ECS rolled back: PRIMARY runs demo-worker:4"):
        run(ready, clients, s, fake_time, lines)
    assert not any(line.endswith("deployed demo") for line in lines)


def test_tasks_failing_health_checks_stop_the_deploy_and_roll_back(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.update("web")
    in_progress = [deployment(s.new["web"], rollout="IN_PROGRESS", running=0),
                   deployment(s.old["web"], status="ACTIVE")]
    reason = "Task failed container health checks"
    s.poll("web", in_progress, stopped=(s.stopped_task("web", 1, reason),))
    s.poll("web", in_progress, stopped=(s.stopped_task("web", 1, reason),
                                        s.stopped_task("web", 2, reason),
                                        s.stopped_task("web", 3, reason)))
    # Roll back web (still PRIMARY on ours), then worker.
    s.look("web", in_progress)
    s.rolled("web", target=s.old["web"])
    s.look("worker", [deployment(s.new["worker"])])
    s.rolled("worker", target=s.old["worker"])
    with pytest.raises(DeployError, match="3 new tasks of demo-web:5 stopped"):
        run(ready, clients, s, fake_time, lines)
    assert sum("Task failed container health checks" in line for line in lines) == 3
    assert any("health UNHEALTHY" in line for line in lines)


def test_a_failed_migration_changes_no_service(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration(exit_code=1).deregister_new()
    with pytest.raises(DeployError, match=r"migrations failed: exit code 1.*nothing was rolled"):
        run(ready, clients, s, fake_time, lines)  # no update_service was scripted


def test_a_rollout_that_never_settles_times_out_and_rolls_back(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.update("worker")
    stuck = [deployment(s.new["worker"], rollout="IN_PROGRESS", running=0),
             deployment(s.old["worker"], status="ACTIVE")]
    for _ in range(4):  # t = 0, 10, 20, 30: the fourth poll is past the 30 s timeout
        s.poll("worker", stuck)
    s.look("worker", stuck)
    s.rolled("worker", target=s.old["worker"])
    with pytest.raises(DeployError, match="not stable after 30s"):
        run(ready, clients, s, fake_time, lines, timeout=30)


def test_a_missing_image_stops_before_anything_changes(
        rendered: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    create_secrets(clients, rendered, "demo", CLUSTER)
    s = EcsScript().live()
    with pytest.raises(DeployError, match="image smart360/demo:git-abc123 is not in ECR"):
        run(rendered, clients, s, fake_time, lines)


def test_a_missing_secret_stops_before_anything_changes(
        rendered: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    push_image(clients, rendered, "demo", TAG)
    clients.secretsmanager.create_secret(Name="smart360-test/demo/django-secret-key",
                                         SecretString="x")
    s = EcsScript().live()
    with pytest.raises(DeployError, match="secret smart360-test/demo/database-password"):
        run(rendered, clients, s, fake_time, lines)


def test_an_over_budget_connection_count_stops_the_deploy(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    small = rewrite_registry(ready, "pgbouncer_max_client_conn = 2000",
                             "pgbouncer_max_client_conn = 50")
    s = EcsScript().live()
    with pytest.raises(DeployError, match=r"77 client connections exceed PgBouncer "
                                          r"max_client_conn 50"):
        run(small, clients, s, fake_time, lines)
    assert any("web      8 tasks x  8 =   64 connections" in line for line in lines)


def test_too_little_cluster_capacity_for_the_surge_stops_the_deploy(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    tiny = rewrite_registry(ready, 'instance_type = "m6i.xlarge"', 'instance_type = "t3.micro"')
    s = EcsScript().live()
    with pytest.raises(DeployError, match="capacity: 4608 MiB needed"):
        run(tiny, clients, s, fake_time, lines)


def test_committed_files_that_drift_from_the_registry_are_refused(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    path = ready.root / "bifrost" / "task-definitions" / "demo-web.json"
    path.write_text(path.read_text().replace('"memory": "1024"', '"memory": "4096"'))
    s = EcsScript()
    with pytest.raises(DeployError, match=r"demo-web.json"):
        run(ready, clients, s, fake_time, lines)


def test_pgbouncer_pools_must_fit_rds_max_connections(registry: Registry) -> None:
    from smart360.deploy import preflight

    assert preflight.connection_problems(registry, registry.service("demo"))[1] == []
    small_rds = rewrite_registry(registry, "max_connections = 400", "max_connections = 45")
    lines, problems = preflight.connection_problems(small_rds, small_rds.service("demo"))
    assert problems == ["connection budget: PgBouncer may open 40 server connections, "
                        "RDS allows 35"]
    assert any("2 PgBouncer tasks x 1 databases x 20 = 40" in line for line in lines)
