"""The public edge: one internet-facing ALB, HTTPS only; each service gets a `/<name>/*` rule.

- HTTPS needs a certificate: there is no stack without one (HTTP only redirects to HTTPS).
- Django admin (`/<name>/admin...`) is not routed from the internet: a rule answers 404 before
  the service rules, unless the request comes from the environment's admin allow-list (CIDRs),
  which gets per-service forward rules ahead of the block.
- Access logs go to an encrypted, private S3 bucket; deletion protection in prod.
"""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from smart360_infra.network import Network

NOT_FOUND = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404})
ADMIN_PATH = "/*/admin*"  # Django admin of every service: /<name>/admin/...
# Listener rule priorities (lower wins): admin allow-list, then the admin block, then services.
ADMIN_ALLOW_PRIORITY = 100
ADMIN_BLOCK_PRIORITY = 999
SERVICE_PRIORITY_BASE = 1000
ACCESS_LOG_DAYS = 90


class Edge(Construct):
    """ALB + HTTPS listener (TLS policy: recommended) + HTTP→HTTPS redirect."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: Network,
        certificate_arn: str,
        protect: bool,
        admin_cidrs: tuple[str, ...] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        if not certificate_arn:
            raise ValueError("the public edge needs an ACM certificate ARN: HTTPS only")
        self.admin_cidrs = admin_cidrs
        self.alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=network.vpc,
            vpc_subnets=network.public_subnets,
            internet_facing=True,
            security_group=network.alb_sg,
            drop_invalid_header_fields=True,
            deletion_protection=protect,
        )
        self.logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,  # ALB log delivery supports SSE-S3 only
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(ACCESS_LOG_DAYS))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.alb.log_access_logs(self.logs, prefix="alb")
        not_found = elbv2.ListenerAction.fixed_response(
            404, content_type="application/problem+json", message_body=NOT_FOUND
        )
        # open=False: the security group's 80/443 rules are written once, in Network.
        self.listener = self.alb.add_listener(
            "Https",
            port=443,
            open=False,
            certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            default_action=not_found,
        )
        self.alb.add_redirect(source_port=80, target_port=443, open=False)
        elbv2.ApplicationListenerRule(
            self,
            "AdminBlocked",
            listener=self.listener,
            priority=ADMIN_BLOCK_PRIORITY,
            conditions=[elbv2.ListenerCondition.path_patterns([ADMIN_PATH])],
            action=not_found,
        )

    @property
    def url(self) -> str:
        return f"https://{self.alb.load_balancer_dns_name}"
