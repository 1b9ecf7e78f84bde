"""The public edge: one internet-facing ALB; each service gets a `/<name>/*` path rule."""

from __future__ import annotations

import json

from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from smart360_infra.network import Network

NOT_FOUND = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404})


class Edge(Construct):
    """ALB + listener. With a certificate ARN, HTTPS carries the rules and HTTP redirects."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: Network,
        certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=network.vpc,
            vpc_subnets=network.public_subnets,
            internet_facing=True,
            security_group=network.alb_sg,
            drop_invalid_header_fields=True,
        )
        not_found = elbv2.ListenerAction.fixed_response(
            404, content_type="application/problem+json", message_body=NOT_FOUND
        )
        # open=False: the security group's 80/443 rules are written once, in Network.
        if certificate_arn:
            self.listener = self.alb.add_listener(
                "Https",
                port=443,
                open=False,
                certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                default_action=not_found,
            )
            self.alb.add_redirect(source_port=80, target_port=443, open=False)
            self.scheme = "https"
        else:
            self.listener = self.alb.add_listener("Http", port=80, open=False, default_action=not_found)
            self.scheme = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.alb.load_balancer_dns_name}"
