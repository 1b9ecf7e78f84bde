"""Checks before anything changes: the image exists, the secrets exist, the database
connections fit PgBouncer and RDS, and the cluster has room for the deployment's surge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smart360.deploy import names
from smart360.deploy.aws import Clients, error_code
from smart360.registry import ROLES, Registry, Role, Service

# Rolling deployments start the new tasks before stopping the old ones (maximumPercent 200);
# beat is 0 %/100 %: the old one stops first, so it never doubles.
SURGE: dict[Role, int] = {"web": 2, "worker": 2, "beat": 1}
# Kept free on RDS for the migration task, admin sessions and RDS's own reserved slots.
RDS_RESERVED_CONNECTIONS = 10
# Memory an ECS container instance keeps for the OS and the agent (ECS_RESERVED_MEMORY).
INSTANCE_RESERVED_MEMORY_MIB = 512


class PreflightError(RuntimeError):
    """One or more checks failed; the message lists every one."""


@dataclass(frozen=True)
class Usage:
    service: str
    role: Role
    tasks: int
    per_task: int

    @property
    def connections(self) -> int:
        return self.tasks * self.per_task


def connection_usage(registry: Registry, deploying: Service) -> list[Usage]:
    """Every process at its maximum scale; the service being deployed also surging."""
    rows = []
    for svc in registry.services.values():
        for role in ROLES:
            spec = svc.roles[role]
            surge = SURGE[role] if svc.name == deploying.name else 1
            rows.append(Usage(svc.name, role, spec.max_tasks * surge, spec.db_connections_per_task))
    return rows


def connection_problems(registry: Registry, deploying: Service) -> tuple[list[str], list[str]]:
    """(report lines, problems) for the connection budget.

    Client side: one PgBouncer must be able to hold every client (its peer may be replaced).
    Server side: every PgBouncer task may fill every database's pool.
    """
    db = registry.cluster.database
    usage = connection_usage(registry, deploying)
    clients = sum(u.connections for u in usage)
    mine = [u for u in usage if u.service == deploying.name]
    lines = [f"  {u.role:<6} {u.tasks:>3} tasks x {u.per_task:>2} = {u.connections:>4} connections"
             for u in mine]
    lines.append(f"  all services at max scale, {deploying.name} surging: {clients} client "
                 f"connections (PgBouncer max_client_conn {db.pgbouncer_max_client_conn})")
    pools = db.pgbouncer_tasks * len(registry.services)  # one pool per database per task
    servers = pools * db.pgbouncer_default_pool_size
    rds_budget = db.max_connections - RDS_RESERVED_CONNECTIONS
    lines.append(f"  PgBouncer server connections: {db.pgbouncer_tasks} PgBouncer tasks x "
                 f"{len(registry.services)} databases x {db.pgbouncer_default_pool_size} = "
                 f"{servers} (RDS max_connections {db.max_connections} - "
                 f"{RDS_RESERVED_CONNECTIONS} reserved)")
    problems = []
    if clients > db.pgbouncer_max_client_conn:
        problems.append(f"connection budget: {clients} client connections exceed PgBouncer "
                        f"max_client_conn {db.pgbouncer_max_client_conn}")
    if servers > rds_budget:
        problems.append(f"connection budget: PgBouncer may open {servers} server connections, "
                        f"RDS allows {rds_budget}")
    own = sum(u.connections for u in mine)
    if own > db.pgbouncer_max_client_conn:
        problems.append(f"connection budget: {deploying.name} alone needs {own} connections")
    return lines, problems


def image_problems(clients: Clients, registry: Registry, service: Service, tag: str) -> list[str]:
    repository = names.repository_name(registry, service)
    try:
        found = clients.ecr.describe_images(repositoryName=repository,
                                            imageIds=[{"imageTag": tag}])
    except Exception as exc:
        code = error_code(exc)
        if code in ("ImageNotFoundException", "RepositoryNotFoundException"):
            return [f"image {repository}:{tag} is not in ECR ({code}); build and push it first"]
        raise
    return [] if found.get("imageDetails") else [f"image {repository}:{tag} is not in ECR"]


def secret_problems(clients: Clients, documents: list[dict[str, Any]]) -> list[str]:
    wanted = sorted({s["valueFrom"] for d in documents for c in d["containerDefinitions"]
                     for s in c.get("secrets", [])})
    problems = []
    for arn in wanted:
        if ":parameter/" in arn:  # an SSM parameter the stack writes (Redis's URL)
            name = "/" + arn.split(":parameter/", 1)[-1]
            try:
                clients.ssm.get_parameter(Name=name)
            except Exception as exc:
                if error_code(exc) != "ParameterNotFound":
                    raise
                problems.append(f"SSM parameter {name} does not exist (deploy the CDK stack)")
            continue
        name = arn.split(":secret:", 1)[-1].split(":", 1)[0]  # without a `:json-key::` suffix
        try:
            clients.secretsmanager.describe_secret(SecretId=name)
        except Exception as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            problems.append(f"secret {name} does not exist in Secrets Manager")
    return problems


def instance_capacity(clients: Clients, cluster: str, instance_type: str) -> tuple[int, int, str]:
    """(cpu units, MiB, source) one container instance offers to tasks.

    What the ECS agent registered on a live instance is the truth (it has already subtracted
    the OS, the agent and ECS_RESERVED_MEMORY); the smallest one counts. A cluster with no
    instance yet falls back to the instance type's numbers minus our reserve.
    """
    arns: list[str] = []
    for page in clients.ecs.get_paginator("list_container_instances").paginate(cluster=cluster):
        arns += page.get("containerInstanceArns", [])
    registered = []
    for i in range(0, len(arns), 100):
        reply = clients.ecs.describe_container_instances(cluster=cluster,
                                                         containerInstances=arns[i:i + 100])
        for instance in reply.get("containerInstances", []):
            found = {r["name"]: int(r.get("integerValue", 0))
                     for r in instance.get("registeredResources", [])}
            if "CPU" in found and "MEMORY" in found:
                registered.append((found["CPU"], found["MEMORY"]))
    if registered:
        cpu, memory = min(c for c, _ in registered), min(m for _, m in registered)
        return cpu, memory, f"registered by the ECS agent on {len(registered)} instance(s)"
    info = clients.ec2.describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"][0]
    cpu = int(info["VCpuInfo"]["DefaultVCpus"]) * 1024
    memory = int(info["MemoryInfo"]["SizeInMiB"]) - INSTANCE_RESERVED_MEMORY_MIB
    return cpu, memory, f"{instance_type} from EC2, no instance registered yet"


def capacity_problems(
    clients: Clients, registry: Registry, service: Service, desired: dict[str, int],
    cluster: str | None = None,
) -> tuple[list[str], list[str]]:
    """Can the ASG at its maximum hold every running task plus this service's surge?

    desired: ECS service name -> current desired count (missing: the registry's minimum).
    Counted besides the apps: the PgBouncer tasks and the one-off migration task (a web task).
    """
    asg = registry.cluster.asg
    per_cpu, per_mem, source = instance_capacity(clients, cluster or registry.cluster.name,
                                                 asg.instance_type)
    db = registry.cluster.database
    cpu = db.pgbouncer_tasks * names.PGBOUNCER_CPU
    mem = db.pgbouncer_tasks * names.PGBOUNCER_MEMORY
    web = service.roles["web"]
    cpu, mem = cpu + web.cpu, mem + web.memory  # the migration task
    too_big = []
    for svc in registry.services.values():
        for role in ROLES:
            spec = svc.roles[role]
            count = desired.get(names.family(svc, role), spec.min_tasks)
            if svc.name == service.name:
                count = max(count, spec.min_tasks, 1) * SURGE[role]
            cpu += count * spec.cpu
            mem += count * spec.memory
            if spec.cpu > per_cpu or spec.memory > per_mem:
                too_big.append(f"{names.family(svc, role)} ({spec.cpu} CPU / {spec.memory} MiB)")
    have_cpu, have_mem = asg.max * per_cpu, asg.max * per_mem
    lines = [f"  one instance: {per_cpu} CPU units / {per_mem} MiB ({source})",
             f"  cluster during the surge (+ {db.pgbouncer_tasks} PgBouncer, 1 migration task): "
             f"{cpu} CPU units / {mem} MiB reserved; ASG max {asg.max} x {asg.instance_type} = "
             f"{have_cpu} / {have_mem}"]
    problems = []
    if cpu > have_cpu:
        problems.append(f"capacity: {cpu} CPU units needed, {have_cpu} at ASG max")
    if mem > have_mem:
        problems.append(f"capacity: {mem} MiB needed, {have_mem} at ASG max")
    if too_big:
        problems.append("capacity: larger than one instance: " + ", ".join(too_big))
    return lines, problems
