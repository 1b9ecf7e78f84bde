"""The whole smart360-prod environment in one stack, generated from the service registry.

Environment-agnostic: no account/region lookups at synth time. The only inputs resolved at
deploy time are CloudFormation parameters (image tag, PgBouncer image, the ECS-optimized AMI's
public SSM parameter) and `Fn::GetAZs`.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, CfnParameter, Stack, Tags
from aws_cdk import aws_iam as iam
from constructs import Construct

from smart360.deploy import taskdefs
from smart360.deploy.names import Environment, environments
from smart360.registry import Registry
from smart360_infra import names
from smart360_infra.capacity import Capacity
from smart360_infra.data import Database, PgBouncer, Redis
from smart360_infra.edge import Edge
from smart360_infra.network import Network
from smart360_infra.secrets import ServiceSecrets
from smart360_infra.services import Microservice

DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:latest"
RULE_PRIORITY_STEP = 10  # gaps leave room for hand-made rules between services


def deploy_environment(registry: Registry) -> Environment:
    """The deploy environment (prod, staging, ...) whose cluster is the registry's cluster."""
    for env in environments(registry).values():
        if env.cluster == registry.cluster.name:
            return env
    raise ValueError(f"no deploy environment runs cluster {registry.cluster.name!r}")


class Smart360Stack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        certificate_arn: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        cluster = registry.cluster
        environment = deploy_environment(registry)
        Tags.of(self).add("smart360:cluster", cluster.name)
        image_tag = CfnParameter(
            self,
            "ImageTag",
            default="latest",
            description="Image tag (the git commit Jenkins pushed) for every service",
        ).value_as_string
        pgbouncer_image = CfnParameter(
            self,
            "PgBouncerImage",
            default=DEFAULT_PGBOUNCER_IMAGE,
            description="Any image with pgbouncer and sh on PATH",
        ).value_as_string

        network = Network(self, "Network")
        capacity = Capacity(self, "Capacity", cluster=cluster, network=network)
        edge = Edge(self, "Edge", network=network, certificate_arn=certificate_arn)
        database = Database(self, "Database", registry=registry, network=network)
        Redis(self, "Redis", registry=registry, network=network, capacity=capacity)
        secrets = {
            name: ServiceSecrets(self, f"{name}Secrets", cluster=cluster, service=svc)
            for name, svc in registry.services.items()
        }
        # One execution role for the cluster (the name `smart360 deploy` puts in task
        # definitions): pulls images, writes logs, reads the services' secrets.
        execution_role = iam.Role(
            self,
            "TaskExecutionRole",
            role_name=names.execution_role_name(cluster.name),
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        self.pgbouncer = PgBouncer(
            self,
            "PgBouncer",
            registry=registry,
            network=network,
            capacity=capacity,
            database=database,
            secrets=secrets,
            image=pgbouncer_image,
        )
        self.microservices: dict[str, Microservice] = {}
        for index, (name, svc) in enumerate(registry.services.items(), start=1):
            micro = Microservice(
                self,
                name,
                registry=registry,
                service=svc,
                capacity=capacity,
                secrets=secrets[name],
                execution_role=execution_role,
                plain_environment=taskdefs.environment_variables(registry, svc, environment),
                image_tag=image_tag,
            )
            # Apps resolve PgBouncer through Cloud Map: start them after it exists.
            for ecs_service in micro.services.values():
                ecs_service.node.add_dependency(self.pgbouncer.service)
            micro.route(edge.listener, priority=index * RULE_PRIORITY_STEP)
            self.microservices[name] = micro

        CfnOutput(self, "LoadBalancerUrl", value=edge.url)
        CfnOutput(self, "PublicHost", value=environment.public_host)
        CfnOutput(self, "ClusterName", value=capacity.cluster.cluster_name)
        CfnOutput(self, "DatabaseEndpoint", value=database.instance.db_instance_endpoint_address)
