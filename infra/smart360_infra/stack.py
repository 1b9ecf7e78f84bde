"""Each environment (prod, staging) is two stacks, generated from the service registry.

`<cluster>` — the platform: network, ECS cluster and its capacity, ECR repositories, RDS, Redis,
PgBouncer, the ALB, secrets, roles and log groups. Everything a task definition refers to.

`<cluster>-services` — the 27 ECS services, their routes and auto scaling. They run the
task-definition revisions `smart360` registered, so this stack is deployed after
`smart360 bootstrap-aws` (see docs/deploying.md, "A new account"): images pushed, database roles
and databases created, the first revisions registered and migrated.

Environment-agnostic: no account/region lookups at synth time. The only inputs resolved at
deploy time are the ECS-optimized AMI's public SSM parameter and `Fn::GetAZs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import CfnOutput, RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from smart360.deploy.names import Environment
from smart360.registry import Registry
from smart360_infra import names
from smart360_infra.capacity import Capacity
from smart360_infra.data import Database, PgBouncer, Redis
from smart360_infra.edge import Edge
from smart360_infra.network import Network
from smart360_infra.services import ServiceDeployment, ServiceFoundation


@dataclass(frozen=True)
class Profile:
    """What one environment's stacks need beyond the registry."""

    env: Environment
    certificate_arn: str
    protect: bool  # deletion protection (ALB, RDS): prod
    admin_cidrs: tuple[str, ...] = ()

    @property
    def cluster(self) -> str:
        return self.env.cluster


class PlatformStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, registry: Registry, profile: Profile, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        cluster_name = profile.cluster
        Tags.of(self).add("smart360:cluster", cluster_name)
        self.profile = profile
        self.network = Network(self, "Network")
        self.capacity = Capacity(
            self, "Capacity", cluster=registry.cluster, name=cluster_name, network=self.network
        )
        self.edge = Edge(
            self,
            "Edge",
            network=self.network,
            certificate_arn=profile.certificate_arn,
            protect=profile.protect,
            admin_cidrs=profile.admin_cidrs,
        )
        self.database = Database(
            self,
            "Database",
            registry=registry,
            cluster=cluster_name,
            network=self.network,
            protect=profile.protect,
        )
        self.redis = Redis(
            self,
            "Redis",
            registry=registry,
            cluster=cluster_name,
            network=self.network,
            capacity=self.capacity,
        )
        # One execution role for the cluster (the name `smart360 deploy` puts in task
        # definitions): pulls images, writes logs, reads the secrets it injects.
        self.execution_role = iam.Role(
            self,
            "TaskExecutionRole",
            role_name=names.execution_role_name(cluster_name),
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        self.redis.token.grant_read(self.execution_role)
        self.redis.url.grant_read(self.execution_role)
        self.database.master_secret.grant_read(self.execution_role)  # the db-bootstrap task only
        self.foundations = {
            name: ServiceFoundation(
                self,
                name,
                registry=registry,
                service=svc,
                cluster=cluster_name,
                execution_role=self.execution_role,
                access_logs=self.edge.logs,
            )
            for name, svc in registry.services.items()
        }
        for svc in registry.services.values():
            login = self.database.add_login(cluster_name, svc)
            login.grant_read(self.execution_role)  # PgBouncer's and db-bootstrap's `secrets`
        self.pgbouncer = PgBouncer(
            self,
            "PgBouncer",
            registry=registry,
            network=self.network,
            capacity=self.capacity,
            database=self.database,
            secrets={name: f.secrets for name, f in self.foundations.items()},
            cluster=cluster_name,
            execution_role=self.execution_role,
        )
        bootstrap_logs = names.bootstrap_log_group(cluster_name)
        logs.LogGroup(
            self,
            "DbBootstrapLogs",
            log_group_name=bootstrap_logs,
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        ).grant_write(self.execution_role)

        CfnOutput(self, "LoadBalancerUrl", value=self.edge.url)
        CfnOutput(self, "PublicHost", value=profile.env.public_host)
        CfnOutput(self, "ClusterName", value=self.capacity.cluster.cluster_name)
        CfnOutput(self, "DatabaseEndpoint", value=self.database.instance.db_instance_endpoint_address)
        # What `smart360 bootstrap-aws` needs to run the one-off database bootstrap task.
        CfnOutput(
            self,
            names.OUTPUT_BOOTSTRAP_SUBNETS,
            value=",".join(s.subnet_id for s in self.network.vpc.public_subnets),
        )
        CfnOutput(
            self, names.OUTPUT_BOOTSTRAP_SECURITY_GROUP, value=self.network.db_admin_sg.security_group_id
        )


class ServicesStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        platform: PlatformStack,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        Tags.of(self).add("smart360:cluster", platform.profile.cluster)
        self.add_stack_dependency(platform)
        self.deployments: dict[str, ServiceDeployment] = {}
        for index, (name, svc) in enumerate(registry.services.items(), start=1):
            deployment = ServiceDeployment(
                self,
                name,
                service=svc,
                cluster=platform.profile.cluster,
                capacity_provider=platform.capacity.provider_name,
                edge=platform.edge,
                index=index,
                vpc=platform.network.vpc,
            )
            self.deployments[name] = deployment
