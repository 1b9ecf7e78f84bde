"""`smart360 deploy` against a scripted ECS (Stubber) and moto's ECR, Secrets Manager, EC2.

Each scenario is what real ECS answers (see ecs_script.py), including its awkward parts:
eventual consistency, stopped tasks listed for an hour, a circuit breaker that rolls back with a
new deployment, AWS errors mid-way and a cluster that has no room left.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from smart360.deploy import preflight
from smart360.deploy.aws import Clients
from smart360.deploy.operations import DeployError, deploy
from smart360.registry import Registry

from .conftest import FakeTime, create_secrets, make_target, push_image, rewrite_registry
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
    with ExitStack() as stack:
        stack.enter_context(script.stub)
        scaling = None
        if script.asg_answers:
            clients.autoscaling, scaling = script.autoscaling()
            stack.enter_context(scaling)
        try:
            return deploy(make_target(registry, clients, fake_time, lines), "demo", TAG,
                          timeout=timeout)
        finally:  # every scripted step happened, success or not
            script.stub.assert_no_pending_responses()
            if scaling is not None:
                scaling.assert_no_pending_responses()


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


def test_eventual_consistency_a_missing_task_and_a_stale_primary_are_waited_out(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """DescribeTasks answers MISSING right after RunTask; the first DescribeServices after
    UpdateService still shows the old PRIMARY. Neither is a failure."""
    s = EcsScript().live().register().migration(missing=2)
    s.update("worker")
    s.poll("worker", [s.dep("worker", s.old["worker"])])  # stale: our deployment not there yet
    s.poll("worker", [s.dep("worker", s.new["worker"])])
    s.rolled("web").rolled("beat").verify()
    assert run(ready, clients, s, fake_time, lines) == s.new
    assert any("waiting for ECS to show deployment" in line for line in lines)


def test_ecs_circuit_breaker_rollback_is_a_failure_and_we_restore_everything(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.update("web")
    s.poll("web", [s.dep("web", s.new["web"], rollout="IN_PROGRESS", running=0),
                   s.dep("web", s.old["web"], status="ACTIVE")])
    # The breaker tripped: ECS started a NEW deployment of the old revision; ours FAILED.
    reason = "ECS deployment circuit breaker: tasks failed to start."
    s.new_deployment_id("web", s.old["web"])
    s.poll("web", [s.dep("web", s.old["web"], rollout="IN_PROGRESS"),
                   s.dep("web", s.new["web"], status="ACTIVE", rollout="FAILED", running=0,
                         reason=reason)],
           events=("(service demo-web) rolling back to deployment ecs-svc/1",))
    # Rollback: web is already back (nothing to update): wait for ECS's deployment; then worker.
    s.look("web", [s.dep("web", s.old["web"], rollout="IN_PROGRESS")])
    s.poll("web", [s.dep("web", s.old["web"], rollout="IN_PROGRESS"),
                   s.dep("web", s.new["web"], status="ACTIVE", rollout="FAILED")],
           target=s.old["web"])
    s.poll("web", [s.dep("web", s.old["web"])], target=s.old["web"])
    s.look("worker", [s.dep("worker", s.new["worker"])])  # what runs before the rollback
    s.rolled("worker", target=s.old["worker"])
    s.deregister()  # the failed revisions never come back
    with pytest.raises(DeployError, match=r"circuit breaker.*rolled back to the previous.*"
                                          r"deregistered"):
        run(ready, clients, s, fake_time, lines)
    assert any("already back on demo-web:4" in line for line in lines)
    assert any("rolling back to demo-worker:4" in line for line in lines)


def test_a_deploy_ecs_reverted_before_we_looked_is_never_a_success(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """Steady, one deployment, all tasks running... a NEWER deployment on the OLD revision:
    ECS rolled ours back before the first poll. That is a failure."""
    s = EcsScript().live().register().migration()
    s.update("worker")
    s.new_deployment_id("worker", s.old["worker"])  # the breaker's rollback deployment
    s.poll("worker", [s.dep("worker", s.old["worker"])])
    s.look("worker", [s.dep("worker", s.old["worker"])])
    s.poll("worker", [s.dep("worker", s.old["worker"])], target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match="ECS rolled back: PRIMARY runs demo-worker:4"):
        run(ready, clients, s, fake_time, lines)
    assert not any("deployed demo" in line for line in lines)


def test_tasks_failing_health_checks_stop_the_deploy_and_roll_back(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.update("web")
    in_progress = [s.dep("web", s.new["web"], rollout="IN_PROGRESS", running=0),
                   s.dep("web", s.old["web"], status="ACTIVE")]
    reason = "Task failed container health checks"
    first = s.stopped_task("web", 1, reason)
    s.poll("web", in_progress, stopped=(first,))
    s.poll("web", in_progress, stopped=(first, s.stopped_task("web", 2, reason),
                                        s.stopped_task("web", 3, reason)))
    # Roll back web (still PRIMARY on ours), then worker.
    s.look("web", in_progress)
    s.rolled("web", target=s.old["web"])
    s.look("worker", [s.dep("worker", s.new["worker"])])
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match="3 new tasks of demo-web:5 stopped"):
        run(ready, clients, s, fake_time, lines)
    assert sum("Task failed container health checks" in line for line in lines) == 3
    assert any("health UNHEALTHY" in line for line in lines)


def test_a_rollback_ignores_the_tasks_the_forward_rollout_stopped(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """The forward rollout of the worker replaced three old tasks: they stay listed as STOPPED,
    on the very revision the rollback returns to, but an older deployment started them. They
    are not failures of the rollback (which used to report ROLLBACK INCOMPLETE here)."""
    s = EcsScript().live(desired=3).register().migration()
    replaced = [s.stopped_task("worker", n, "Scaling activity initiated by (deployment "
                               "ecs-svc/2000)", target=s.old["worker"]) for n in range(3)]
    s.update("worker")
    s.poll("worker", [s.dep("worker", s.new["worker"], desired=3, running=3)], stopped=replaced)
    s.update("web")
    s.poll("web", [s.dep("web", s.new["web"], rollout="FAILED", reason="tasks failed")],
           listed_stopped=False)
    s.look("web", [s.dep("web", s.new["web"], rollout="FAILED")])
    s.rolled("web", target=s.old["web"])
    s.look("worker", [s.dep("worker", s.new["worker"], desired=3, running=3)])
    s.update("worker", s.old["worker"])
    s.poll("worker", [s.dep("worker", s.old["worker"], desired=3, running=3)],
           target=s.old["worker"], stopped=replaced)
    s.deregister()
    with pytest.raises(DeployError, match=r"rollout of demo-web:5 FAILED.*rolled back to the "
                                          r"previous revisions"):
        run(ready, clients, s, fake_time, lines)
    assert not any("new task stopped" in line for line in lines)


def test_stopped_tasks_are_listed_page_by_page_and_described_in_batches_of_100(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    old_tasks = [s.stopped_task("worker", n, "replaced", target=s.old["worker"])
                 for n in range(150)]  # an hour of history: 150 stopped tasks, 2 pages
    s.update("worker")
    s.poll("worker", [s.dep("worker", s.new["worker"])], stopped=tuple(old_tasks), pages=2)
    s.rolled("web").rolled("beat").verify()
    assert run(ready, clients, s, fake_time, lines) == s.new


def test_a_failed_migration_changes_no_service(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration(exit_code=1).deregister()
    with pytest.raises(DeployError, match=r"migrations failed: exit code 1.*nothing was rolled"):
        run(ready, clients, s, fake_time, lines)  # no update_service was scripted


def test_a_rollout_that_never_settles_times_out_and_rolls_back(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.update("worker")
    stuck = [s.dep("worker", s.new["worker"], rollout="IN_PROGRESS", running=0),
             s.dep("worker", s.old["worker"], status="ACTIVE")]
    for _ in range(4):  # t = 0, 10, 20, 30: the fourth poll is past the 30 s timeout
        s.poll("worker", stuck)
    s.look("worker", stuck)
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match="not stable after 30s"):
        run(ready, clients, s, fake_time, lines, timeout=30)


def test_access_denied_mid_deploy_rolls_back_and_exits_non_zero(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.stub.add_client_error("update_service", "AccessDeniedException", "User: arn:aws:sts::"
                            "123456789012:assumed-role/jenkins is not authorized to perform: "
                            "ecs:UpdateService", 400)
    s.look("web", [s.dep("web", s.old["web"])])  # web never moved
    s.poll("web", [s.dep("web", s.old["web"])], target=s.old["web"])
    s.look("worker", [s.dep("worker", s.new["worker"])])
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match=r"AWS error: AccessDeniedException.*rolled back"):
        run(ready, clients, s, fake_time, lines)


def test_expired_credentials_mid_wait_leave_a_rollback_incomplete_and_say_so(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """The token expires while web rolls: the rollback cannot call AWS either. Exit non-zero
    with ROLLBACK INCOMPLETE; the new revisions stay registered (a service may still run one)."""
    s = EcsScript().live().register().migration()
    s.rolled("worker")
    s.update("web")
    for _ in range(3):  # wait_for, then the rollback's look at web and at worker
        s.stub.add_client_error("describe_services", "ExpiredTokenException",
                                "The security token included in the request is expired", 400)
    with pytest.raises(DeployError, match=r"ExpiredTokenException.*ROLLBACK INCOMPLETE"):
        run(ready, clients, s, fake_time, lines)


def test_throttling_past_the_retries_rolls_back(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.update("worker")
    s.stub.add_client_error("describe_services", "ThrottlingException", "Rate exceeded", 400)
    s.look("worker", [s.dep("worker", s.new["worker"])])
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match="ThrottlingException"):
        run(ready, clients, s, fake_time, lines)


def test_no_room_in_the_cluster_with_the_asg_at_max_fails_fast(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live().register().migration()
    s.update("worker")
    starving = [s.dep("worker", s.new["worker"], rollout="IN_PROGRESS", running=0, pending=1),
                s.dep("worker", s.old["worker"], status="ACTIVE")]
    s.poll("worker", starving, events=(
        "(service demo-worker) was unable to place a task because no container instance met all "
        "of its requirements. The closest matching (container-instance 5e3b) has insufficient "
        "memory available.",))
    s.capacity(desired=2, maximum=2)
    s.look("worker", starving)
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match=r"cannot place tasks: .*unable to place a task.*"
                                          r"at its maximum \(smart360-test-CapacityAsg-1ABC 2/2\)"):
        run(ready, clients, s, fake_time, lines, timeout=900)
    assert fake_time.now - 1000 < 100  # not the 900 s timeout


def test_pending_tasks_wait_while_the_asg_can_still_grow_then_fail_at_max(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    """PROVISIONING while managed scaling adds an instance is normal; once the group is at
    its maximum and tasks still pend past the grace period, the deploy stops with why."""
    s = EcsScript().live().register().migration()
    s.update("worker")
    pending = [s.dep("worker", s.new["worker"], rollout="IN_PROGRESS", running=0, pending=1),
               s.dep("worker", s.old["worker"], status="ACTIVE")]
    for _ in range(13):  # t = 0..120 s
        s.poll("worker", pending)
    s.capacity(desired=1, maximum=2)  # at 120 s: the group is still growing
    s.poll("worker", pending)
    s.capacity(desired=2, maximum=2)  # at 130 s: now it is at its maximum
    s.look("worker", pending)
    s.rolled("worker", target=s.old["worker"])
    s.deregister()
    with pytest.raises(DeployError, match=r"1 task\(s\) still PROVISIONING/PENDING after 13\ds"):
        run(ready, clients, s, fake_time, lines, timeout=900)


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


def test_capacity_preflight_arithmetic(ready: Registry, clients: Clients) -> None:
    s = EcsScript().instances([(2048, 3600), (2048, 3700)])
    clients.ecs = s.client
    with s.stub:
        lines, problems = preflight.capacity_problems(clients, ready, ready.service("demo"), {},
                                                      cluster=CLUSTER)
    assert "one instance: 2048 CPU units / 3600 MiB (registered by the ECS agent on 2 " \
        "instance(s))" in lines[0]
    # demo at min 1 per role, surging: web 2x1024 + worker 2x1024 + beat 1x512 = 4608 MiB,
    # + 2 PgBouncer x 256 + 1 migration (web, 1024) = 6144 MiB; 2 x 3600 = 7200 at ASG max.
    assert "6144 MiB reserved" in lines[1]
    assert problems == []
    fresh = EcsScript().instances([])  # a cluster with no instance yet: EC2's numbers
    clients.ecs = fresh.client
    with fresh.stub:
        lines, _ = preflight.capacity_problems(clients, ready, ready.service("demo"), {},
                                               cluster=CLUSTER)
    assert "from EC2, no instance registered yet" in lines[0]


def test_too_little_cluster_capacity_for_the_surge_stops_the_deploy(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    s = EcsScript().live(instances=[(2048, 1500), (2048, 1500)])
    with pytest.raises(DeployError, match=r"capacity: 6144 MiB needed, 3000 at ASG max"):
        run(ready, clients, s, fake_time, lines)


def test_committed_files_that_drift_from_the_registry_are_refused(
        ready: Registry, clients: Clients, fake_time: FakeTime, lines: list[str]) -> None:
    path = ready.root / "bifrost" / "task-definitions" / "demo-web.json"
    path.write_text(path.read_text().replace('"memory": "1024"', '"memory": "4096"'))
    s = EcsScript()
    with pytest.raises(DeployError, match=r"demo-web.json"):
        run(ready, clients, s, fake_time, lines)


def test_pgbouncer_pools_must_fit_rds_max_connections(registry: Registry) -> None:
    assert preflight.connection_problems(registry, registry.service("demo"))[1] == []
    small_rds = rewrite_registry(registry, "max_connections = 400", "max_connections = 45")
    lines, problems = preflight.connection_problems(small_rds, small_rds.service("demo"))
    assert problems == ["connection budget: PgBouncer may open 40 server connections, "
                        "RDS allows 35"]
    assert any("2 PgBouncer tasks x 1 databases x 20 = 40" in line for line in lines)
