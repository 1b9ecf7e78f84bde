"""One microservice on ECS: its ECR repository, task role, log groups, and the three ECS services
(web, worker, beat) with task definitions, deployment settings and auto scaling.

The task definitions here are the *initial* revisions. `smart360 deploy` registers new ones in
the same families from bifrost/ and rolls the services onto them, so both are built from the
same library functions (`smart360.deploy.taskdefs`): same command, environment, secrets,
health check, stop timeout, log group and roles.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Size
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from smart360.deploy import taskdefs
from smart360.registry import Registry, Role, Service
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
SCALED_ROLES: tuple[Role, ...] = ("web", "worker")  # beat is never scaled: exactly one
ECR_KEEP_IMAGES = 50


class Microservice(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        service: Service,
        capacity: Capacity,
        secrets: ServiceSecrets,
        execution_role: iam.IRole,
        plain_environment: dict[str, str],
        image_tag: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = service
        cluster = registry.cluster.name
        self.repository = ecr.Repository(
            self,
            "Repository",
            repository_name=names.repository_name(registry, service),
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,  # a tag is a commit, forever
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=ECR_KEEP_IMAGES)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.repository.grant_pull(execution_role)
        # What this service's code may call in AWS; nothing is shared between services.
        self.task_role = iam.Role(
            self,
            "TaskRole",
            role_name=names.task_role_name(cluster, service),
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        image = ecs.ContainerImage.from_ecr_repository(self.repository, image_tag)
        self.services: dict[Role, ecs.Ec2Service] = {}
        for role in service.roles:
            task = self._task_definition(cluster, role, image, secrets, execution_role, plain_environment)
            self.services[role] = self._ecs_service(role, task, capacity)
        self._autoscale()

    def _task_definition(
        self,
        cluster: str,
        role: Role,
        image: ecs.ContainerImage,
        secrets: ServiceSecrets,
        execution_role: iam.IRole,
        plain_environment: dict[str, str],
    ) -> ecs.TaskDefinition:
        service, spec = self.spec, self.spec.roles[role]
        log_group = logs.LogGroup(
            self,
            f"{role}Logs",
            log_group_name=names.log_group(cluster, service, role),
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        task = ecs.TaskDefinition(
            self,
            f"{role}Task",
            family=names.family(service, role),
            compatibility=ecs.Compatibility.EC2,
            network_mode=ecs.NetworkMode.BRIDGE,
            cpu=str(spec.cpu),
            memory_mib=str(spec.memory),
            execution_role=execution_role,
            task_role=self.task_role,
        )
        check = taskdefs.health_check(role)
        container = task.add_container(
            role,
            container_name=role,
            image=image,
            command=[role],  # the image's entrypoint runs gunicorn / celery worker / celery beat
            environment=plain_environment | taskdefs.role_environment(service, role),
            secrets=secrets.ecs_secrets(),
            health_check=ecs.HealthCheck(
                command=check["command"],
                interval=Duration.seconds(check["interval"]),
                timeout=Duration.seconds(check["timeout"]),
                retries=check["retries"],
                start_period=Duration.seconds(check["startPeriod"]),
            ),
            stop_timeout=Duration.seconds(taskdefs.stop_timeout(service, role)),
            linux_parameters=ecs.LinuxParameters(self, f"{role}Linux", init_process_enabled=True),
            logging=ecs.LogDrivers.aws_logs(
                stream_prefix=role,
                log_group=log_group,
                mode=ecs.AwsLogDriverMode.NON_BLOCKING,  # a slow CloudWatch must not block stdout
                max_buffer_size=Size.mebibytes(4),
            ),
            docker_labels={"smart360.service": service.name, "smart360.role": role},
        )
        if role == "web":
            # host_port 0: Docker picks one from the ephemeral range, the ALB learns it from ECS.
            container.add_port_mappings(ecs.PortMapping(container_port=names.WEB_CONTAINER_PORT, host_port=0))
        return task

    def _ecs_service(self, role: Role, task: ecs.TaskDefinition, capacity: Capacity) -> ecs.Ec2Service:
        min_healthy, max_healthy = DEPLOYMENT_BOUNDS[role]
        return ecs.Ec2Service(
            self,
            f"{role}Service",
            service_name=names.family(self.spec, role),
            cluster=capacity.cluster,
            task_definition=task,
            desired_count=self.spec.roles[role].min_tasks,  # beat: always 1 (registry pins it)
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
        for role in SCALED_ROLES:
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
        web = self.services["web"]
        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "WebTargets",
            vpc=web.cluster.vpc,
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
            targets=[web.load_balancer_target(container_name="web", container_port=names.WEB_CONTAINER_PORT)],
        )
        listener.add_target_groups(
            f"{self.spec.name}Route",  # ids live in the listener's scope: must be unique
            target_groups=[self.target_group],
            priority=priority,
            conditions=[elbv2.ListenerCondition.path_patterns([f"{self.spec.prefix}*"])],
        )
