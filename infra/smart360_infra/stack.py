"""The whole smart360-prod environment in one stack, generated from the service registry.

Environment-agnostic: no account/region lookups at synth time. The only inputs resolved at
deploy time are CloudFormation parameters (image tag, PgBouncer image, the ECS-optimized AMI's
public SSM parameter) and `Fn::GetAZs`.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, CfnParameter, Stack, Tags
from constructs import Construct

from smart360.registry import Registry
from smart360_infra import names
from smart360_infra.capacity import Capacity
from smart360_infra.data import Database, PgBouncer, Redis
from smart360_infra.edge import Edge
from smart360_infra.network import Network
from smart360_infra.secrets import ServiceSecrets
from smart360_infra.services import Endpoints, Microservice

DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:latest"
RULE_PRIORITY_STEP = 10  # gaps leave room for hand-made rules between services


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
        redis = Redis(self, "Redis", registry=registry, network=network)
        secrets = {
            name: ServiceSecrets(self, f"{name}Secrets", cluster=cluster, service=svc)
            for name, svc in registry.services.items()
        }
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
        endpoints = Endpoints(
            database_host=names.PGBOUNCER_HOST,
            redis_url=redis.url,
            gateway_url=edge.url,
            allowed_hosts=edge.alb.load_balancer_dns_name,
        )
        self.microservices: dict[str, Microservice] = {}
        for index, (name, svc) in enumerate(registry.services.items(), start=1):
            micro = Microservice(
                self,
                name,
                cluster=cluster,
                service=svc,
                capacity=capacity,
                secrets=secrets[name],
                endpoints=endpoints,
                image_tag=image_tag,
            )
            # Apps resolve PgBouncer through Cloud Map: start them after it exists.
            for ecs_service in micro.services.values():
                ecs_service.node.add_dependency(self.pgbouncer.service)
            micro.route(edge.listener, priority=index * RULE_PRIORITY_STEP)
            self.microservices[name] = micro

        CfnOutput(self, "GatewayUrl", value=edge.url)
        CfnOutput(self, "ClusterName", value=capacity.cluster.cluster_name)
        CfnOutput(self, "DatabaseEndpoint", value=database.instance.db_instance_endpoint_address)
