"""The data tier: RDS PostgreSQL, PgBouncer in front of it, ElastiCache Redis (Celery broker).

PgBouncer is the only client RDS admits. Each service logs in as its own role (`db_role` in the
registry) with its own password secret; PgBouncer's userlist is built from those same secrets at
container start, so no password is ever written into the template or an environment variable.
"""

from __future__ import annotations

import shlex
import string

from aws_cdk import Duration, RemovalPolicy, SecretValue
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from smart360.deploy import compose
from smart360.deploy import names as deploy_names
from smart360.registry import Registry, Service
from smart360_infra import names
from smart360_infra.capacity import Capacity
from smart360_infra.network import Network
from smart360_infra.secrets import ServiceSecrets

# Not (yet) in the registry: the seed names no Redis size. One replica for failover.
REDIS_NODE_TYPE = "cache.t4g.medium"
REDIS_ENGINE_VERSION = "7.1"
PGBOUNCER_CPU = deploy_names.PGBOUNCER_CPU
PGBOUNCER_MEMORY = deploy_names.PGBOUNCER_MEMORY
# Pinned by digest, one definition with docker compose (smart360.deploy.compose.IMAGES, which
# says how a digest is refreshed).
PGBOUNCER_IMAGE = compose.PGBOUNCER_IMAGE
MASTER_ROTATION_DAYS = 30
LOGIN_ROTATION_DAYS = 30
LOGIN_FIELDS = {"LOGIN_USER": "username", "LOGIN_PASSWORD": "password"}  # PgBouncer's variables  # nosec B105
# Alphanumeric logins: safe unquoted in PgBouncer's [databases] connection strings.
LOGIN_EXCLUDE_CHARACTERS = string.punctuation + " "


class Database(Construct):
    """RDS PostgreSQL: encrypted, private, Multi-AZ, `max_connections` from the registry."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        cluster: str,
        network: Network,
        protect: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        spec = registry.cluster.database
        major = spec.engine_version.split(".")[0]
        engine = rds.DatabaseInstanceEngine.postgres(
            version=rds.PostgresEngineVersion.of(spec.engine_version, major)
        )
        parameters = rds.ParameterGroup(
            self,
            "Parameters",
            engine=engine,
            description=f"{registry.cluster.name} PostgreSQL {major}",
            parameters={
                "max_connections": str(spec.max_connections),
                "rds.force_ssl": "1",  # PgBouncer connects with server_tls_sslmode=require
            },
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Postgres",
            engine=engine,
            instance_type=ec2.InstanceType(spec.instance_class.removeprefix("db.")),
            vpc=network.vpc,
            vpc_subnets=network.data_subnets,
            security_groups=[network.database_sg],
            credentials=rds.Credentials.from_generated_secret(
                "postgres", secret_name=f"{cluster}/rds/master"
            ),
            parameter_group=parameters,
            storage_encrypted=True,
            publicly_accessible=False,
            multi_az=True,
            storage_type=rds.StorageType.GP3,
            allocated_storage=100,
            max_allocated_storage=500,
            backup_retention=Duration.days(7),
            deletion_protection=protect,
            removal_policy=RemovalPolicy.SNAPSHOT,
            cloudwatch_logs_exports=["postgresql"],
            iam_authentication=True,
        )
        # The master password rotates; only the one-off bootstrap task uses it, and it reads the
        # secret when it starts. The rotation Lambda lives in the isolated subnets and reaches
        # Secrets Manager through an interface endpoint (there is no route out).
        endpoint = network.vpc.add_interface_endpoint(
            "SecretsManagerEndpoint",
            service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            subnets=network.data_subnets,
        )
        self.instance.add_rotation_single_user(
            automatically_after=Duration.days(MASTER_ROTATION_DAYS),
            vpc_subnets=network.data_subnets,
            endpoint=endpoint,
        )
        assert self.instance.secret is not None  # from_generated_secret
        self.master_secret = self.instance.secret
        self._endpoint = endpoint
        self._subnets = network.data_subnets
        # One security group for the nine login-rotation functions (RDS admits it on 5432).
        self._rotation_sg = ec2.SecurityGroup(
            self, "LoginRotationSg", vpc=network.vpc, description="Rotation of the per-service RDS logins"
        )
        self.logins: dict[str, secretsmanager.ISecret] = {}

    def add_login(self, cluster: str, service: Service) -> secretsmanager.ISecret:
        """The RDS login PgBouncer uses for `service`, rotated every LOGIN_ROTATION_DAYS.

        Alternating users (Secrets Manager's PostgreSQL multi-user function, signed in as the
        master): each rotation sets a new password on the *other* user (`<db_role>` or
        `<db_role>_clone`, which db-bootstrap created) and switches the secret to it, so the
        credentials PgBouncer started with keep working until the rotation after; PgBouncer
        restarts on every successful rotation (PgBouncer.restart_on_rotation) and reads the new
        ones. The apps are not involved: they log in to PgBouncer with DATABASE_PASSWORD.
        """
        secret = rds.DatabaseSecret(
            self,
            f"{service.name}Login",
            username=service.db_role,
            dbname=service.database,
            master_secret=self.master_secret,
            secret_name=deploy_names.secret_name(cluster, service, deploy_names.DB_LOGIN_SECRET),
            exclude_characters=LOGIN_EXCLUDE_CHARACTERS,
        )
        login = secret.attach(self.instance)  # adds engine, host, port
        self.instance.add_rotation_multi_user(
            f"{service.name}LoginRotation",
            secret=login,
            automatically_after=Duration.days(LOGIN_ROTATION_DAYS),
            vpc_subnets=self._subnets,
            endpoint=self._endpoint,
            security_group=self._rotation_sg,
            exclude_characters=LOGIN_EXCLUDE_CHARACTERS,
            # Not at creation: the role exists only once `smart360 bootstrap-aws` has run.
            rotate_immediately_on_update=False,
        )
        self.logins[service.name] = login
        return login


class Redis(Construct):
    """ElastiCache Redis in the VPC's isolated subnets: broker, RedBeat lock, caches.

    TLS in transit and an AUTH token (a generated secret) are required. TLS verifies the host
    name, so apps use the real primary endpoint: the stack writes `rediss://<endpoint>:6379/0`
    to the SSM parameter `/<cluster>/redis/url`, which task definitions inject as REDIS_URL,
    and the token as REDIS_PASSWORD. The Cloud Map name `redis.smart360.internal` stays for
    operators (redis-cli --tls needs the endpoint name all the same).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        cluster: str,
        network: Network,
        capacity: Capacity,
    ) -> None:
        super().__init__(scope, construct_id)
        self.token = secretsmanager.Secret(
            self,
            "AuthToken",
            secret_name=names.cluster_secret_name(cluster, names.REDIS_TOKEN_SECRET),
            description="ElastiCache AUTH token (REDIS_PASSWORD of every task)",
            # ElastiCache: 16-128 printable characters, none of @ " /: alphanumeric is safe.
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        subnets = elasticache.CfnSubnetGroup(
            self,
            "Subnets",
            description=f"{registry.cluster.name} Redis",
            subnet_ids=network.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids,
        )
        self.group = elasticache.CfnReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_description=f"{registry.cluster.name} Celery broker and cache",
            engine="redis",
            engine_version=REDIS_ENGINE_VERSION,
            cache_node_type=REDIS_NODE_TYPE,
            num_cache_clusters=2,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            port=names.REDIS_PORT,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[network.redis_sg.security_group_id],
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=SecretValue.secrets_manager(self.token.secret_arn).unsafe_unwrap(),
            snapshot_retention_limit=1,
        )
        self.url = ssm.StringParameter(
            self,
            "Url",
            parameter_name=names.parameter_name(cluster, names.REDIS_URL_PARAMETER),
            description="REDIS_URL of every task: TLS to the primary endpoint (the token is separate)",
            string_value=f"rediss://{self.group.attr_primary_end_point_address}:{names.REDIS_PORT}/0",
        )
        namespace = capacity.cluster.default_cloud_map_namespace
        assert namespace is not None  # Capacity always creates it
        self.record = servicediscovery.Service(
            self,
            "Dns",
            namespace=namespace,
            name=names.REDIS_RECORD,
            dns_record_type=servicediscovery.DnsRecordType.CNAME,
            dns_ttl=Duration.seconds(30),
        )
        self.record.register_cname_instance(
            "Primary", instance_cname=self.group.attr_primary_end_point_address
        )


class PgBouncer(Construct):
    """PgBouncer as an ECS service (awsvpc, own security group), `pgbouncer.smart360.internal`.

    The image only has to contain `pgbouncer` and `sh` (e.g. edoburu/pgbouncer): the command
    writes pgbouncer.ini from the environment (POOL_MODE=transaction, pool sizes from the
    registry) and the userlist from the per-service password secrets, then execs pgbouncer.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        registry: Registry,
        network: Network,
        capacity: Capacity,
        database: Database,
        secrets: dict[str, ServiceSecrets],
        cluster: str,
        execution_role: iam.IRole,
    ) -> None:
        super().__init__(scope, construct_id)
        spec = registry.cluster.database
        services = list(registry.services.values())
        task = ecs.Ec2TaskDefinition(
            self,
            "Task",
            family="pgbouncer",
            network_mode=ecs.NetworkMode.AWS_VPC,
            execution_role=execution_role,
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/ecs/{cluster}/pgbouncer",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        task.add_container(
            "pgbouncer",
            image=ecs.ContainerImage.from_registry(PGBOUNCER_IMAGE),
            cpu=PGBOUNCER_CPU,
            memory_limit_mib=PGBOUNCER_MEMORY,
            entry_point=["sh", "-c"],
            command=[_startup_script(registry)],
            environment={
                "DB_HOST": database.instance.db_instance_endpoint_address,
                "DB_PORT": database.instance.db_instance_endpoint_port,
                "POOL_MODE": "transaction",
                "DEFAULT_POOL_SIZE": str(spec.pgbouncer_default_pool_size),
                "MAX_CLIENT_CONN": str(spec.pgbouncer_max_client_conn),
                "LISTEN_PORT": str(names.PGBOUNCER_PORT),
            },
            secrets={
                **{
                    _password_variable(svc.db_role): ecs.Secret.from_secrets_manager(
                        secrets[svc.name].database_password
                    )
                    for svc in services
                },
                **{  # what PgBouncer logs in to RDS with (rotated, JSON fields)
                    f"{variable}_{svc.db_role}": ecs.Secret.from_secrets_manager(
                        database.logins[svc.name], field
                    )
                    for svc in services
                    for variable, field in LOGIN_FIELDS.items()
                },
            },
            port_mappings=[ecs.PortMapping(container_port=names.PGBOUNCER_PORT)],
            logging=ecs.LogDrivers.aws_logs(stream_prefix="pgbouncer", log_group=log_group),
            stop_timeout=Duration.seconds(30),
        )
        self.service = ecs.Ec2Service(
            self,
            "Service",
            service_name="pgbouncer",
            cluster=capacity.cluster,
            task_definition=task,
            desired_count=registry.cluster.database.pgbouncer_tasks,
            min_healthy_percent=50,
            max_healthy_percent=200,
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            capacity_provider_strategies=capacity.strategy(),
            security_groups=[network.pgbouncer_sg],
            vpc_subnets=network.public_subnets,
            placement_strategies=[
                ecs.PlacementStrategy.spread_across(ecs.BuiltInAttributes.AVAILABILITY_ZONE)
            ],
            cloud_map_options=ecs.CloudMapOptions(
                name=names.PGBOUNCER_RECORD,
                dns_record_type=servicediscovery.DnsRecordType.A,
                dns_ttl=Duration.seconds(10),
            ),
        )
        capacity.place(self.service)
        self.restart_on_rotation(cluster)

    def restart_on_rotation(self, cluster: str) -> None:
        """PgBouncer reads its RDS logins at start: a successful rotation restarts it (rolling,
        2 tasks at 50 % minimum healthy). An EventBridge rule on Secrets Manager's
        RotationSucceeded (CloudTrail) starts a one-step state machine that calls ECS
        UpdateService forceNewDeployment; no code of ours runs. The previous credentials stay
        valid until the next rotation (alternating users), so the restart has 30 days, not
        seconds; a failed restart shows in the state machine's executions and logs."""
        restart = tasks.CallAwsService(
            self,
            "ForceNewDeployment",
            service="ecs",
            action="updateService",
            parameters={
                "Cluster": self.service.cluster.cluster_name,
                "Service": self.service.service_name,
                "ForceNewDeployment": True,
            },
            iam_resources=[self.service.service_arn],
        )
        machine = sfn.StateMachine(
            self,
            "RestartOnRotation",
            state_machine_name=f"{cluster}-pgbouncer-restart",
            definition_body=sfn.DefinitionBody.from_chainable(restart),
            timeout=Duration.minutes(5),
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=logs.LogGroup(
                    self,
                    "RestartLogs",
                    log_group_name=f"/aws/vendedlogs/states/{cluster}-pgbouncer-restart",
                    retention=logs.RetentionDays.ONE_MONTH,
                    removal_policy=RemovalPolicy.DESTROY,
                ),
                level=sfn.LogLevel.ALL,
            ),
        )
        self.rotation_rule = events.Rule(
            self,
            "OnRotation",
            description="A Secrets Manager rotation succeeded: PgBouncer re-reads its RDS logins",
            event_pattern=events.EventPattern(
                source=["aws.secretsmanager"],
                detail_type=["AWS Service Event via CloudTrail"],
                detail={"eventName": ["RotationSucceeded"]},
            ),
            targets=[targets.SfnStateMachine(machine)],
        )


def _password_variable(db_role: str) -> str:
    return f"PASSWORD_{db_role}"


def _startup_script(registry: Registry) -> str:
    """Shell that renders pgbouncer.ini + userlist.txt from env/secrets and starts pgbouncer."""
    services = list(registry.services.values())
    # Clients (the apps) authenticate against the userlist (DATABASE_PASSWORD); PgBouncer logs
    # in to RDS with the service's rotated login, named per database.
    databases = "\n".join(
        f"{svc.database} = host=$DB_HOST port=$DB_PORT dbname={svc.database} "
        f"user=$LOGIN_USER_{svc.db_role} password=$LOGIN_PASSWORD_{svc.db_role}"
        for svc in services
    )
    # printf repeats its format for every user/password pair; passwords never touch argv logs.
    pairs = " ".join(f'{shlex.quote(svc.db_role)} "${_password_variable(svc.db_role)}"' for svc in services)
    return "\n".join(
        [
            "set -eu",
            "umask 077",
            f'printf \'"%s" "%s"\\n\' {pairs} > /tmp/userlist.txt',
            "cat > /tmp/pgbouncer.ini <<EOF",
            "[databases]",
            databases,
            "[pgbouncer]",
            "listen_addr = 0.0.0.0",
            "listen_port = $LISTEN_PORT",
            "auth_type = scram-sha-256",
            "auth_file = /tmp/userlist.txt",
            "pool_mode = $POOL_MODE",
            "default_pool_size = $DEFAULT_POOL_SIZE",
            "max_client_conn = $MAX_CLIENT_CONN",
            "server_tls_sslmode = require",
            "ignore_startup_parameters = extra_float_digits,options",
            "EOF",
            "exec pgbouncer /tmp/pgbouncer.ini",
        ]
    )
