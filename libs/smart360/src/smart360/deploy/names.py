"""Names and environments shared by the deploy commands, the CDK stack and Jenkins.

One convention, so that a task definition registered by `smart360 deploy` lands in the family,
log group and secrets the CDK stack created (infra/smart360_infra/names.py says the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from smart360.registry import Registry, Role, Service

WEB_CONTAINER_PORT = 8000  # gunicorn binds here; bridge networking maps a dynamic host port
PGBOUNCER_PORT = 6432
# PgBouncer's task size (the CDK stack runs it; the deploy preflight counts it).
PGBOUNCER_CPU = 256
PGBOUNCER_MEMORY = 256
SERVICE_DISCOVERY_NAMESPACE = "smart360.internal"
# ECS refuses a stopTimeout above 120 s (the agent's ceiling for EC2 tasks).
ECS_MAX_STOP_TIMEOUT = 120

# Placeholders in the committed task definitions, filled in by `smart360 deploy`.
# The committed files serve every environment, so the cluster (which names the environment's
# roles, log groups and secrets) is a placeholder too.
ACCOUNT = "${AWS_ACCOUNT_ID}"
CLUSTER = "${CLUSTER}"
IMAGE = "${IMAGE}"
PLACEHOLDERS = (ACCOUNT, CLUSTER, IMAGE)

# Secrets every service gets (env var -> secret suffix), plus the one only `auth` holds:
# auth signs tokens, everybody else verifies them against its JWKS.
SERVICE_SECRETS = {
    "DJANGO_SECRET_KEY": "django-secret-key",
    "DATABASE_PASSWORD": "database-password",
}
JWT_SERVICE = "auth"
JWT_SECRET = ("JWT_PRIVATE_KEY", "jwt-private-key")


@dataclass(frozen=True)
class Environment:
    """What differs between prod and staging; everything else comes from the registry."""

    name: str
    cluster: str
    log_level: str
    public_host: str

    @property
    def gateway_url(self) -> str:
        return f"https://{self.public_host}"


def environments(registry: Registry) -> dict[str, Environment]:
    prefix = registry.cluster.image_repository_prefix
    return {
        "prod": Environment("prod", registry.cluster.name, "INFO", f"api.{prefix}.example.com"),
        "staging": Environment(
            "staging", f"{prefix}-staging", "DEBUG", f"api.staging.{prefix}.example.com"
        ),
    }


def environment(registry: Registry, name: str) -> Environment:
    envs = environments(registry)
    if name not in envs:
        raise ValueError(f"unknown environment {name!r}; known: {', '.join(envs)}")
    return envs[name]


def family(service: Service, role: Role) -> str:
    """ECS service name and task-definition family, e.g. `cx-web`."""
    return f"{service.name}-{role}"


def repository_name(registry: Registry, service: Service) -> str:
    return f"{registry.cluster.image_repository_prefix}/{service.name}"


def image_uri(registry: Registry, service: Service, tag: str, account: str = ACCOUNT) -> str:
    host = f"{account}.dkr.ecr.{registry.cluster.region}.amazonaws.com"
    return f"{host}/{repository_name(registry, service)}:{tag}"


def log_group(cluster: str, service: Service, role: Role) -> str:
    return f"/ecs/{cluster}/{service.name}/{role}"


def secret_name(cluster: str, service: Service, what: str) -> str:
    """Secrets Manager name, e.g. `smart360-prod/cx/database-password`."""
    return f"{cluster}/{service.name}/{what}"


def secret_arn(region: str, cluster: str, service: Service, what: str) -> str:
    # A partial ARN (no random suffix): ECS resolves it when the name is unique.
    return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{secret_name(cluster, service, what)}"


def secrets_for(service: Service) -> dict[str, str]:
    """Env var -> secret suffix for one service."""
    found = dict(SERVICE_SECRETS)
    if service.name == JWT_SERVICE:
        found[JWT_SECRET[0]] = JWT_SECRET[1]
    return found


def execution_role_arn(cluster: str) -> str:
    """Pulls the image, writes logs and reads this cluster's secrets."""
    return f"arn:aws:iam::{ACCOUNT}:role/{cluster}-task-execution"


def task_role_arn(cluster: str, service: Service) -> str:
    """What the service's own code may call in AWS (nothing shared between services)."""
    return f"arn:aws:iam::{ACCOUNT}:role/{cluster}-{service.name}-task"
