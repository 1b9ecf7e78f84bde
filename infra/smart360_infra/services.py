"""One microservice on ECS, in two halves that live in two stacks.

`ServiceFoundation` (platform stack): its ECR repository, task role, log groups and secrets:
everything a task definition refers to, which must exist before the first one is registered.

`ServiceDeployment` (services stack): the three ECS services (web, worker, beat), the web
target group and routes, and auto scaling. The ECS services name only their task-definition
*family*: CloudFormation creates them on the family's latest ACTIVE revision, which
`smart360 bootstrap-aws` (first deploy) or `smart360 deploy` registered from bifrost/. The CDK
defines no app task definition and no desired count, so a later `cdk deploy` never moves a
service off the revision `smart360 deploy` put it on, nor resets what auto scaling chose:
task definitions are owned by one tool, desired counts by auto scaling.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from smart360.deploy import names as deploy_names
from smart360.deploy.rollout import deployment_configuration
from smart360.registry import ROLES, Registry, Role, Service
from smart360_infra import names
from smart360_infra.edge import ADMIN_ALLOW_PRIORITY, SERVICE_PRIORITY_BASE, Edge
from smart360_infra.secrets import ServiceSecrets

SCALED_ROLES: tuple[Role, ...] = ("web", "worker")  # beat is never scaled: exactly one
ECR_KEEP_IMAGES = 50
RULE_PRIORITY_STEP = 10  # gaps leave room for hand-made rules between services
WEB_GRACE_SECONDS = 60
SCALE_COOLDOWN = Duration.minutes(3)
BUCKET_NONCURRENT_DAYS = 90  # how long a replaced or deleted document version is kept


class ServiceFoundation(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        service: Service,
        cluster: str,
        execution_role: iam.IRole,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = service
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
        self.secrets = ServiceSecrets(self, "Secrets", cluster=cluster, service=service)
        for secret in self.secrets.by_variable.values():
            secret.grant_read(execution_role)  # the agent injects them as `secrets`
        # What this service's code may call in AWS; nothing is shared between services.
        self.task_role = iam.Role(
            self,
            "TaskRole",
            role_name=names.task_role_name(cluster, service),
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        # ECS Exec (`aws ecs execute-command`): the SSM channel has no resource-level permissions.
        self.task_role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                resources=["*"],
            )
        )
        # Beat publishes the queue depth the workers scale on (PutMetricData has no resource
        # ARN; the namespace condition is the narrowing it supports).
        self.task_role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": deploy_names.QUEUE_METRICS_NAMESPACE}},
            )
        )
        self.buckets: dict[str, s3.Bucket] = {}
        for purpose in deploy_names.buckets_for(service).values():
            self.buckets[purpose] = self._bucket(cluster, purpose, execution_role, access_logs)
        self.log_groups: dict[Role, logs.LogGroup] = {}
        for role in ROLES:
            group = logs.LogGroup(
                self,
                f"{role}Logs",
                log_group_name=names.log_group(cluster, service, role),
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=RemovalPolicy.DESTROY,
            )
            group.grant_write(execution_role)
            self.log_groups[role] = group


    def _bucket(
        self, cluster: str, purpose: str, execution_role: iam.IRole, access_logs: s3.IBucket
    ) -> s3.Bucket:
        """A private bucket only this service's tasks may use; its generated name reaches them
        through an SSM parameter (the committed task definitions stay account-agnostic)."""
        bucket = s3.Bucket(
            self,
            f"{purpose}Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # no ACLs at all
            enforce_ssl=True,
            versioned=True,  # an overwritten or deleted document can be recovered
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix=f"s3/{self.spec.name}-{purpose}/",
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(BUCKET_NONCURRENT_DAYS))
            ],
            removal_policy=RemovalPolicy.RETAIN,  # customer documents outlive the stack
        )
        # What django-storages does: read, write, delete objects; list (exists() and 404s).
        self.task_role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[bucket.arn_for_objects("*")],
            )
        )
        self.task_role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn])
        )
        parameter = ssm.StringParameter(
            self,
            f"{purpose}BucketName",
            parameter_name=names.parameter_name(cluster, deploy_names.bucket_parameter(self.spec, purpose)),
            description=f"{self.spec.name}'s {purpose} bucket (injected by the task definitions)",
            string_value=bucket.bucket_name,
        )
        parameter.grant_read(execution_role)
        return bucket


class ServiceDeployment(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service: Service,
        cluster: str,
        capacity_provider: str,
        edge: Edge,
        index: int,
        vpc: object,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = service
        self.cluster = cluster
        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "WebTargets",
            vpc=vpc,  # type: ignore[arg-type]
            port=names.WEB_CONTAINER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.INSTANCE,
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(
                path=service.health_path,
                port="traffic-port",  # the dynamic host port ECS registered
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
        )
        route = elbv2.ApplicationListenerRule(
            self,
            "Route",
            listener=edge.listener,
            priority=SERVICE_PRIORITY_BASE + index * RULE_PRIORITY_STEP,
            conditions=[elbv2.ListenerCondition.path_patterns([f"{service.prefix}*"])],
            target_groups=[self.target_group],
        )
        if edge.admin_cidrs:  # admin only from the allow-list, ahead of the block
            elbv2.ApplicationListenerRule(
                self,
                "AdminAllowed",
                listener=edge.listener,
                priority=ADMIN_ALLOW_PRIORITY + index,
                conditions=[
                    elbv2.ListenerCondition.path_patterns([f"{service.prefix}admin*"]),
                    elbv2.ListenerCondition.source_ips(list(edge.admin_cidrs)),
                ],
                target_groups=[self.target_group],
            )
        self.services: dict[Role, ecs.CfnService] = {}
        for role in ROLES:
            self.services[role] = self._ecs_service(role, capacity_provider)
        # ECS refuses a target group that no listener uses yet.
        self.services["web"].node.add_dependency(route)
        self._autoscale()

    def _ecs_service(self, role: Role, capacity_provider: str) -> ecs.CfnService:
        config = deployment_configuration(role)
        breaker = config["deploymentCircuitBreaker"]
        family = names.family(self.spec, role)
        web = role == "web"
        return ecs.CfnService(
            self,
            f"{role}Service",
            cluster=self.cluster,
            service_name=family,
            # The family, not a revision: its latest ACTIVE one, registered by smart360.
            task_definition=family,
            capacity_provider_strategy=[
                ecs.CfnService.CapacityProviderStrategyItemProperty(
                    capacity_provider=capacity_provider, weight=1
                )
            ],
            deployment_configuration=ecs.CfnService.DeploymentConfigurationProperty(
                minimum_healthy_percent=config["minimumHealthyPercent"],
                maximum_percent=config["maximumPercent"],
                deployment_circuit_breaker=ecs.CfnService.DeploymentCircuitBreakerProperty(
                    enable=breaker["enable"], rollback=breaker["rollback"]
                ),
            ),
            placement_strategies=[
                ecs.CfnService.PlacementStrategyProperty(
                    type="spread", field="attribute:ecs.availability-zone"
                )
            ],
            health_check_grace_period_seconds=WEB_GRACE_SECONDS if web else None,
            load_balancers=[
                ecs.CfnService.LoadBalancerProperty(
                    container_name="web",
                    container_port=names.WEB_CONTAINER_PORT,
                    target_group_arn=self.target_group.target_group_arn,
                )
            ]
            if web
            else None,
            enable_execute_command=True,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
        )

    def _scalable_target(self, role: Role) -> appscaling.ScalableTarget:
        spec = self.spec.roles[role]
        service = self.services[role]
        target = appscaling.ScalableTarget(
            self,
            f"{role}Scaling",
            service_namespace=appscaling.ServiceNamespace.ECS,
            resource_id=f"service/{self.cluster}/{service.attr_name}",
            scalable_dimension="ecs:service:DesiredCount",
            min_capacity=spec.min_tasks,
            max_capacity=spec.max_tasks,
        )
        return target

    def _autoscale(self) -> None:
        web = self.spec.roles["web"]
        target = self._scalable_target("web")
        if web.cpu_target_percent:
            target.scale_to_track_metric(
                "Cpu",
                target_value=web.cpu_target_percent,
                predefined_metric=appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
            )
        if web.memory_target_percent:
            target.scale_to_track_metric(
                "Memory",
                target_value=web.memory_target_percent,
                predefined_metric=appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_MEMORY_UTILIZATION,
            )
        self._scale_on_backlog(self._scalable_target("worker"))

    def queue_depth(self) -> cloudwatch.Metric:
        """What beat publishes every minute for this service (smart360.celery.queue_metrics)."""
        return cloudwatch.Metric(
            namespace=deploy_names.QUEUE_METRICS_NAMESPACE,
            metric_name=deploy_names.QUEUE_DEPTH_METRIC,
            dimensions_map={"ClusterName": self.cluster, "ServiceName": self.spec.name},
            statistic="Maximum",
            period=Duration.minutes(1),
        )

    def _scale_on_backlog(self, target: appscaling.ScalableTarget) -> None:
        """Step scaling on the queue backlog, from min_tasks (0 allowed) to max_tasks.

        An empty queue takes one task away per cooldown; any waiting message adds one (so a
        worker at 0 wakes up), a backlog of `backlog_per_task` or more adds two, three times
        that adds three. A task running long work when the queue is empty may be stopped: it
        gets the worker's warm shutdown, and acks_late puts an interrupted message back.
        """
        per_task = self.spec.roles["worker"].backlog_per_task or 1
        target.scale_on_metric(
            "Backlog",
            metric=self.queue_depth(),
            adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            scaling_steps=[
                appscaling.ScalingInterval(upper=0, change=-1),
                appscaling.ScalingInterval(lower=1, change=+1),
                appscaling.ScalingInterval(lower=per_task, change=+2),
                appscaling.ScalingInterval(lower=3 * per_task, change=+3),
            ],
            cooldown=SCALE_COOLDOWN,
            evaluation_periods=1,
        )


def service_families(service: Service) -> list[str]:
    return [names.family(service, role) for role in ROLES]


__all__ = ["SCALED_ROLES", "ServiceDeployment", "ServiceFoundation", "ServiceSecrets"]
