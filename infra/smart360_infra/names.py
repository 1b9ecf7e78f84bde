"""Names the stack shares with `smart360 deploy` and Jenkins.

The conventions themselves (families, log groups, secrets, roles, ports) live in the library,
`smart360.deploy.names`, so that a task definition registered by the deploy command lands in
exactly the family, log group, roles and secrets this stack creates. Only what nobody else
needs is defined here.
"""

from __future__ import annotations

from smart360.deploy.names import (
    BOOTSTRAP_FAMILY,
    JWT_SECRET,
    JWT_SERVICE,
    OUTPUT_BOOTSTRAP_SECURITY_GROUP,
    OUTPUT_BOOTSTRAP_SUBNETS,
    PGBOUNCER_PORT,
    REDIS_TOKEN_SECRET,
    REDIS_URL_PARAMETER,
    SERVICE_DISCOVERY_NAMESPACE,
    SERVICE_SECRETS,
    WEB_CONTAINER_PORT,
    bootstrap_log_group,
    capacity_provider,
    cluster_secret_name,
    execution_role_arn,
    family,
    log_group,
    parameter_name,
    platform_stack,
    repository_name,
    secret_name,
    secrets_for,
    services_stack,
    task_role_arn,
)
from smart360.registry import Service

__all__ = [
    "BOOTSTRAP_FAMILY",
    "EPHEMERAL_PORTS",
    "JWT_SECRET",
    "JWT_SERVICE",
    "OUTPUT_BOOTSTRAP_SECURITY_GROUP",
    "OUTPUT_BOOTSTRAP_SUBNETS",
    "PGBOUNCER_PORT",
    "POSTGRES_PORT",
    "REDIS_PORT",
    "REDIS_TOKEN_SECRET",
    "REDIS_URL_PARAMETER",
    "SERVICE_DISCOVERY_NAMESPACE",
    "SERVICE_SECRETS",
    "WEB_CONTAINER_PORT",
    "bootstrap_log_group",
    "capacity_provider",
    "cluster_secret_name",
    "execution_role_name",
    "family",
    "log_group",
    "parameter_name",
    "platform_stack",
    "repository_name",
    "secret_name",
    "secrets_for",
    "services_stack",
    "task_role_name",
]

POSTGRES_PORT = 5432
REDIS_PORT = 6379
# Docker's dynamic host-port range for bridge networking (ECS-optimized AMIs): ALB -> instances.
EPHEMERAL_PORTS = (32768, 65535)
# Cloud Map records (private DNS) for the two backing services the apps address by name.
PGBOUNCER_RECORD = "pgbouncer"
REDIS_RECORD = "redis"


def execution_role_name(cluster: str) -> str:
    return execution_role_arn(cluster).rsplit("/", 1)[1]


def task_role_name(cluster: str, service: Service) -> str:
    return task_role_arn(cluster, service).rsplit("/", 1)[1]
