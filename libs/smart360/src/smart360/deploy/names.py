"""Names and environments shared by the deploy commands, the CDK stack and Jenkins.

One convention, so that a task definition registered by `smart360 deploy` lands in the family,
log group and secrets the CDK stack created (infra/smart360_infra/names.py says the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from smart360.celery.queue_metrics import (  # beat publishes, the CDK scales on them
    QUEUE_DEPTH_METRIC as QUEUE_DEPTH_METRIC,
)
from smart360.celery.queue_metrics import (
    QUEUE_METRICS_NAMESPACE as QUEUE_METRICS_NAMESPACE,
)
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
    "DJANGO_SECRET_KEY": "django-secret-key",  # secret names, not values  # nosec B105
    "DATABASE_PASSWORD": "database-password",  # nosec B105
}
# What PgBouncer logs in to RDS with, per service: a JSON secret (engine, host, port, username,
# password, dbname, masterarn) that Secrets Manager rotates (alternating users). The apps never
# see it: they authenticate to PgBouncer with DATABASE_PASSWORD.
DB_LOGIN_SECRET = "database-login"  # noqa: S105 (a secret name)  # nosec B105
JWT_SERVICE = "auth"
JWT_SECRET = ("JWT_PRIVATE_KEY", "jwt-private-key")
# ElastiCache (TLS + AUTH) is one per cluster. Its AUTH token is a Secrets Manager secret; its
# URL names the real endpoint (TLS verifies that host name, so no Cloud Map alias) and lives in
# an SSM parameter the stack writes: the committed env files stay account-agnostic.
REDIS_TOKEN_VARIABLE, REDIS_TOKEN_SECRET = "REDIS_PASSWORD", "redis/auth-token"
REDIS_URL_VARIABLE, REDIS_URL_PARAMETER = "REDIS_URL", "redis/url"


# S3 buckets a service's code uses: env var -> the bucket's purpose. The platform stack creates
# each one (encrypted, public access blocked, TLS only, versioned, access-logged), lets only that
# service's task role use it, and writes the bucket's generated name to the SSM parameter
# `/<cluster>/<service>/bucket/<purpose>`, which the task definitions inject like REDIS_URL.
SERVICE_BUCKETS: dict[str, dict[str, str]] = {
    "cx": {"CX_DOCUMENTS_BUCKET": "documents"},  # application documents (django-storages S3)
}


def buckets_for(service: Service) -> dict[str, str]:
    """Env var -> bucket purpose for one service (most have none)."""
    return dict(SERVICE_BUCKETS.get(service.name, {}))


def bucket_parameter(service: Service, purpose: str) -> str:
    """What follows `/<cluster>/` in the bucket's SSM parameter, e.g. `cx/bucket/documents`."""
    return f"{service.name}/bucket/{purpose}"


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


def cluster_secret_name(cluster: str, what: str) -> str:
    """A secret the whole cluster shares, e.g. `smart360-prod/redis/auth-token`."""
    return f"{cluster}/{what}"


def cluster_secret_arn(region: str, cluster: str, what: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{cluster_secret_name(cluster, what)}"


def parameter_name(cluster: str, what: str) -> str:
    """SSM parameter, e.g. `/smart360-prod/redis/url`."""
    return f"/{cluster}/{what}"


def parameter_arn(region: str, cluster: str, what: str) -> str:
    return f"arn:aws:ssm:{region}:{ACCOUNT}:parameter{parameter_name(cluster, what)}"


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


def secret_variables(service: Service) -> set[str]:
    """Every variable a task of `service` gets through `secrets` (never plain environment)."""
    return set(secrets_for(service)) | {REDIS_TOKEN_VARIABLE, REDIS_URL_VARIABLE} | set(buckets_for(service))


def secret_references(region: str, cluster: str, service: Service) -> list[dict[str, str]]:
    """The task definition's `secrets`: the service's own, Redis's token and URL, its buckets."""
    refs = [{"name": var, "valueFrom": secret_arn(region, cluster, service, what)}
            for var, what in secrets_for(service).items()]
    refs.append({"name": REDIS_TOKEN_VARIABLE,
                 "valueFrom": cluster_secret_arn(region, cluster, REDIS_TOKEN_SECRET)})
    refs.append({"name": REDIS_URL_VARIABLE,
                 "valueFrom": parameter_arn(region, cluster, REDIS_URL_PARAMETER)})
    refs += [{"name": var, "valueFrom": parameter_arn(region, cluster, bucket_parameter(service, purpose))}
             for var, purpose in buckets_for(service).items()]
    return sorted(refs, key=lambda r: r["name"])


# The one-off task that creates every service's database role and database in RDS
# (`smart360 bootstrap-aws`); the platform stack exports where it may run.
BOOTSTRAP_FAMILY = "db-bootstrap"
OUTPUT_BOOTSTRAP_SUBNETS = "DbBootstrapSubnets"
OUTPUT_BOOTSTRAP_SECURITY_GROUP = "DbBootstrapSecurityGroup"
RDS_MASTER_SECRET = "rds/master"  # noqa: S105 (a secret name)  # nosec B105


def bootstrap_log_group(cluster: str) -> str:
    return f"/ecs/{cluster}/{BOOTSTRAP_FAMILY}"


def platform_stack(cluster: str) -> str:
    return cluster


def services_stack(cluster: str) -> str:
    return f"{cluster}-services"


def capacity_provider(cluster: str) -> str:
    return f"{cluster}-capacity"
