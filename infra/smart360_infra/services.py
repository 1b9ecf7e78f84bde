"""One microservice on ECS: its ECR repository, secrets, log groups, and the three ECS services
(web, worker, beat) with task definitions, deployment settings and auto scaling.

The task definitions here are the *initial* revisions; `smart360 deploy` registers new ones in
the same families (bifrost JSON, same env and secret names) and rolls the services onto them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from smart360.registry import Cluster, Role, RoleSpec, Service
from smart360_infra import names
from smart360_infra.capacity import Capacity
from smart360_infra.secrets import ServiceSecrets

# Rolling-deployment bounds (seed / DESIGN §9): web and worker never drop below full strength;
# beat is stopped before its replacement starts so that two beats never run.
DEPLOYMENT_BOUNDS: dict[Role, tuple[int, int]] = {
    "web": (100, 200),
    "worker": (100, 200),
    "beat": (0, 100),
}
STOP_TIMEOUT_SECONDS: dict[Role, int] = {"web": 30, "worker": 120, "beat": 30}
ECR_KEEP_IMAGES = 50


@dataclass(frozen=True)
class Endpoints:
    """What every container needs to know about the rest of the platform."""

    database_host: str
    redis_url: str
    gateway_url: str
    allowed_hosts: str


def container_environment(service: Service, role: Role, endpoints: Endpoints) -> dict[str, str]:
    """The env contract shared by every service (no secrets: those are ECS `secrets`)."""
    env = {
        "DJANGO_SETTINGS_MODULE": f"{service.package}.settings",
        "SMART360_SERVICE": service.name,
        "SMART360_ROLE": role,
        "DATABASE_HOST": endpoints.database_host,
        "DATABASE_PORT": str(names.PGBOUNCER_PORT),
        "DATABASE_NAME": service.database,
        "DATABASE_USER": service.db_role,
        "REDIS_URL": endpoints.redis_url,
        "SMART360_GATEWAY_URL": endpoints.gateway_url,
        "DJANGO_ALLOWED_HOSTS": endpoints.allowed_hosts,
        "DJANGO_DEBUG": "false",
        "SMART360_LOG_LEVEL": "INFO",
    }
    if role == "worker":
        env["CELERY_CONCURRENCY"] = str(service.worker().concurrency)
    return env


def container_command(service: Service, role: Role) -> list[str]:
    if role == "web":
        web = service.web()
        return [
            "gunicorn", "smart360.django.wsgi:application",
            "--bind", f"0.0.0.0:{names.WEB_CONTAINER_PORT}",
            "--workers", str(web.gunicorn_workers),
            "--threads", str(web.gunicorn_threads),
            "--worker-class", "gthread",
        ]  # fmt: skip
    if role == "worker":
        return [
            "celery", "-A", "smart360.celery.app", "worker",
            "-Q", ",".join(service.queues),
            "-n", f"{service.name}@%h",
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
    return ["celery", "-A", "smart360.celery.app", "beat"]


class Microservice(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster: Cluster,
        service: Service,
        capacity: Capacity,
        secrets: ServiceSecrets,
        endpoints: Endpoints,
        image_tag: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = service
        self.repository = ecr.Repository(
            self,
            "Repository",
            repository_name=names.repository_name(cluster, service),
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,  # a tag is a commit, forever
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=ECR_KEEP_IMAGES)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        image = ecs.ContainerImage.from_ecr_repository(self.repository, image_tag)
        # One execution role (pull image, read secrets, write logs) and one task role per
        # service, shared by its three task definitions.
        self.execution_role = iam.Role(
            self, "ExecutionRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        )
        self.task_role = iam.Role(
            self, "TaskRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
        )
        self.services: dict[Role, ecs.Ec2Service] = {}
        for role, spec in service.roles.items():
            self.services[role] = self._ecs_service(
                cluster, service, role, spec, capacity, secrets, endpoints, image
            )
        self._autoscale()

    def _ecs_service(
        self,
        cluster: Cluster,
        service: Service,
        role: Role,
        spec: RoleSpec,
        capacity: Capacity,
        secrets: ServiceSecrets,
        endpoints: Endpoints,
        image: ecs.ContainerImage,
    ) -> ecs.Ec2Service:
        name = names.ecs_service_name(service, role)
        log_group = logs.LogGroup(
            self,
            f"{role}Logs",
            log_group_name=names.log_group_name(cluster, service.name, role),
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        task = ecs.Ec2TaskDefinition(
            self,
            f"{role}Task",
            family=name,
            network_mode=ecs.NetworkMode.BRIDGE,
            execution_role=self.execution_role,
            task_role=self.task_role,
        )
        container = task.add_container(
            role,
            image=image,
            cpu=spec.cpu,
            memory_limit_mib=spec.memory,
            command=container_command(service, role),
            environment=container_environment(service, role, endpoints),
            secrets=secrets.ecs_secrets(),
            logging=ecs.LogDrivers.aws_logs(stream_prefix=role, log_group=log_group),
            stop_timeout=Duration.seconds(STOP_TIMEOUT_SECONDS[role]),
            health_check=_web_health_check(service) if role == "web" else None,
        )
        if role == "web":
            # host_port 0: Docker picks one from the ephemeral range, the ALB learns it from ECS.
            container.add_port_mappings(ecs.PortMapping(container_port=names.WEB_CONTAINER_PORT, host_port=0))
        min_healthy, max_healthy = DEPLOYMENT_BOUNDS[role]
        return ecs.Ec2Service(
            self,
            f"{role}Service",
            service_name=name,
            cluster=capacity.cluster,
            task_definition=task,
            desired_count=spec.min_tasks,  # beat: always 1 (the registry pins it)
            min_healthy_percent=min_healthy,
            max_healthy_percent=max_healthy,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            capacity_provider_strategies=capacity.strategy(),
            placement_strategies=[
                ecs.PlacementStrategy.spread_across(ecs.BuiltInAttributes.AVAILABILITY_ZONE)
            ],
            health_check_grace_period=Duration.seconds(60) if role == "web" else None,
            enable_execute_command=True,
        )

    def _autoscale(self) -> None:
        for role in ("web", "worker"):
            spec = self.spec.roles[role]
            scaling = self.services[role].auto_scale_task_count(
                min_capacity=spec.min_tasks, max_capacity=spec.max_tasks
            )
            if spec.cpu_target_percent:
                scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=spec.cpu_target_percent)
            if spec.memory_target_percent:
                scaling.scale_on_memory_utilization(
                    "Memory", target_utilization_percent=spec.memory_target_percent
                )

    def route(self, listener: elbv2.ApplicationListener, priority: int) -> None:
        """Target group for the web service and the listener rule `/<name>/*` -> it."""
        target_group = elbv2.ApplicationTargetGroup(
            self,
            "WebTargets",
            vpc=self.services["web"].cluster.vpc,
            port=names.WEB_CONTAINER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.INSTANCE,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path=self.spec.health_path,
                port="traffic-port",  # the dynamic host port ECS registered
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            targets=[
                self.services["web"].load_balancer_target(
                    container_name="web", container_port=names.WEB_CONTAINER_PORT
                )
            ],
        )
        listener.add_target_groups(
            f"{self.spec.name}Route",  # ids live in the listener's scope: must be unique
            target_groups=[target_group],
            priority=priority,
            conditions=[elbv2.ListenerCondition.path_patterns([f"{self.spec.prefix}*"])],
        )
        self.target_group = target_group


def _web_health_check(service: Service) -> ecs.HealthCheck:
    url = f"http://127.0.0.1:{names.WEB_CONTAINER_PORT}{service.health_path}"
    probe = f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)"
    return ecs.HealthCheck(
        command=["CMD", "python", "-c", probe],
        interval=Duration.seconds(15),
        timeout=Duration.seconds(5),
        retries=3,
        start_period=Duration.seconds(30),
    )
