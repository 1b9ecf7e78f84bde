"""The VPC and the security groups that say who may talk to whom.

The seed runs in the account's *default VPC* on *public subnets*. A stack cannot create or safely
look up a default VPC without an account (and we synthesize offline), so the stack builds the
equivalent itself: a VPC with one public subnet per AZ across two AZs (internet gateway, public
IPs on launch, no NAT gateways) for the ALB and the EC2 container instances, plus isolated
subnets (no route out) for RDS and ElastiCache, which never need the internet. VPC flow logs
(rejected and accepted) go to CloudWatch.

Least privilege, one rule per arrow::

    world --80/443--> ALB --32768-65535--> instances --6432--> PgBouncer --5432--> RDS
                                           instances --6379--> Redis (TLS)
                          db-bootstrap task --5432--> RDS   (one-off: roles and databases)

App containers use *bridge* networking with dynamic host ports: 27 small tasks fit on the two
instances, whereas awsvpc would need one ENI per task (an m6i.2xlarge has 3 spare)
or account-wide ENI trunking, and awsvpc tasks on EC2 get no public IP to reach ECR without NAT.
Their traffic therefore leaves from the instance security group. PgBouncer and the one-off
database bootstrap task run in awsvpc mode so that each has its own security group, the only
ones RDS admits.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from smart360_infra import names


class Network(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, max_azs: int = 2) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=max_azs,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            ],
        )
        flow_logs = logs.LogGroup(
            self, "FlowLogs", retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY
        )
        self.vpc.add_flow_log("FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs))
        # Outbound is open only where needed: instances pull images and call AWS APIs.
        self.alb_sg = self._group("Alb", "ALB: HTTP/HTTPS from anywhere", outbound=False)
        self.instance_sg = self._group("Instances", "ECS container instances (bridge-mode tasks)")
        self.pgbouncer_sg = self._group("PgBouncer", "PgBouncer tasks (awsvpc)", outbound=False)
        self.database_sg = self._group("Database", "RDS PostgreSQL", outbound=False)
        self.redis_sg = self._group("Redis", "ElastiCache Redis", outbound=False)
        self.db_admin_sg = self._group("DbAdmin", "One-off database bootstrap task (awsvpc)", outbound=False)

        for port in (80, 443):
            self.alb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port), f"public {port}")
        low, high = names.EPHEMERAL_PORTS
        # connections.allow_to writes both halves: egress on the source, ingress on the target.
        self.alb_sg.connections.allow_to(
            self.instance_sg, ec2.Port.tcp_range(low, high), "ALB to dynamic host ports"
        )
        self.instance_sg.connections.allow_to(
            self.pgbouncer_sg, ec2.Port.tcp(names.PGBOUNCER_PORT), "apps to PgBouncer"
        )
        self.pgbouncer_sg.connections.allow_to(
            self.database_sg, ec2.Port.tcp(names.POSTGRES_PORT), "PgBouncer to PostgreSQL"
        )
        self.db_admin_sg.connections.allow_to(
            self.database_sg, ec2.Port.tcp(names.POSTGRES_PORT), "database bootstrap to PostgreSQL"
        )
        self.instance_sg.connections.allow_to(self.redis_sg, ec2.Port.tcp(names.REDIS_PORT), "apps to Redis")

    def _group(self, name: str, description: str, *, outbound: bool = True) -> ec2.SecurityGroup:
        return ec2.SecurityGroup(
            self, f"{name}Sg", vpc=self.vpc, description=description, allow_all_outbound=outbound
        )

    @property
    def public_subnets(self) -> ec2.SubnetSelection:
        return ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)

    @property
    def data_subnets(self) -> ec2.SubnetSelection:
        return ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
