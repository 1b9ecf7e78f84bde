"""cdk-nag (AwsSolutions) suppressions, each with the reason next to what it covers.

What protects data is fixed in the stack instead (encrypted EBS, Redis TLS + AUTH, VPC flow logs,
ALB access logs, IAM narrowed to named resources, master password rotation). What is left here
is either how the thing works (the public ALB, ECS's agent permissions) or a secret rotated by
an operator procedure (docs/deploying.md, "Secrets"). The RDS passwords rotate automatically:
the master (single user) and every service's RDS login (alternating users, PgBouncer restarted
on each rotation).
"""

from __future__ import annotations

from aws_cdk import Stack
from cdk_nag import NagPackSuppression, NagSuppressions

from smart360_infra import names
from smart360_infra.stack import PlatformStack


def _at(stack: Stack, path: str, rule: str, reason: str, applies_to: list[str] | None = None) -> None:
    suppression = NagPackSuppression(id=rule, reason=reason, applies_to=applies_to)  # type: ignore[arg-type]
    NagSuppressions.add_resource_suppressions_by_path(
        stack, f"/{stack.stack_name}/{path}", [suppression], True
    )


def suppress(platform: PlatformStack, services: Stack) -> None:
    del services  # nothing to suppress there: no task definition, no policy of its own
    p = platform
    _at(
        p,
        "Network/AlbSg/Resource",
        "AwsSolutions-EC23",
        "The ALB is the public entry point: 443 (and 80, which only redirects) from anywhere.",
    )
    _at(
        p,
        "Edge/AccessLogs/Resource",
        "AwsSolutions-S1",
        "This bucket holds the ALB's access logs; logging access to the log bucket would recurse.",
    )
    _at(
        p,
        "Database/Postgres/Resource",
        "AwsSolutions-RDS11",
        "The default port is reachable only from the PgBouncer and bootstrap security groups; "
        "a non-default port adds nothing behind that.",
    )
    if not p.profile.protect:
        _at(
            p,
            "Database/Postgres/Resource",
            "AwsSolutions-RDS10",
            "Staging only: its database is disposable and the stack must be deletable; prod has "
            "deletion protection on (and RemovalPolicy SNAPSHOT everywhere).",
        )
    _at(
        p,
        "Redis/ReplicationGroup",
        "AwsSolutions-AEC5",
        "The default port is reachable only from the cluster instances' security group, over TLS + AUTH.",
    )
    _at(
        p,
        "Capacity/Asg/ASG",
        "AwsSolutions-AS3",
        "Scaling is the capacity provider's (managed scaling); ECS service events and the deploy "
        "command report placement problems. No human acts on per-instance notifications.",
    )
    _at(
        p,
        "Capacity/InstanceRole/Resource",
        "AwsSolutions-IAM4",
        "AmazonSSMManagedInstanceCore: Session Manager instead of SSH keys and an open port 22.",
        ["Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    )
    _at(
        p,
        "Capacity/InstanceRole/DefaultPolicy/Resource",
        "AwsSolutions-IAM5",
        "The ECS agent's own permissions as the CDK grants them (register the instance, poll "
        "for tasks, submit state): ECS scopes these to the cluster where the API allows it.",
    )
    _at(
        p,
        "PgBouncer/Task/Resource",
        "AwsSolutions-ECS2",
        "PgBouncer's environment holds only its configuration (pool sizes, RDS endpoint); the "
        "passwords arrive as `secrets`.",
    )
    _at(
        p,
        "TaskExecutionRole/DefaultPolicy/Resource",
        "AwsSolutions-IAM5",
        "ecr:GetAuthorizationToken has no resource-level permissions; log-stream wildcards are "
        "inside this cluster's named log groups (a task's stream name is only known at start).",
    )
    for name in p.foundations:
        _at(
            p,
            f"{name}/TaskRole/DefaultPolicy/Resource",
            "AwsSolutions-IAM5",
            "ssmmessages (ECS Exec) and cloudwatch:PutMetricData have no resource-level "
            "permissions; PutMetricData is limited to the Smart360/Queues namespace by condition. "
            "A service with a bucket (cx's documents) may use objects under that one bucket only "
            "(<bucket arn>/*: object keys are chosen at upload).",
        )
        for secret in _ROTATION:
            if secret == names.JWT_SECRET[1] and name != names.JWT_SERVICE:
                continue
            _at(p, f"{name}/Secrets/{secret}/Resource", "AwsSolutions-SMG4", _ROTATION[secret])
    _at(
        p,
        "PgBouncer/RestartOnRotation/Role/DefaultPolicy/Resource",
        "AwsSolutions-IAM5",
        "The state machine's log delivery (logs:CreateLogDelivery and friends) and X-Ray "
        "(PutTraceSegments) have no resource-level permissions; its one ECS action is scoped to "
        "the PgBouncer service's ARN.",
    )
    _at(
        p,
        "Redis/AuthToken/Resource",
        "AwsSolutions-SMG4",
        "ElastiCache AUTH rotation is a two-step ROTATE/SET on the replication group plus a "
        "rolling restart of every task: an operator procedure (docs/deploying.md, Secrets).",
    )


_ROTATION = {
    "django-secret-key": "Rotated by hand with SECRET_KEY_FALLBACKS (old key kept one release) "
    "so sessions and signed links survive: docs/deploying.md, Secrets.",
    "jwt-private-key": "An RSA key rolls over through auth's JWKS (new kid published before it "
    "signs); a Lambda cannot do that safely: docs/deploying.md, Secrets.",
    "database-password": "Only between the service's tasks and PgBouncer, inside the VPC; RDS "
    "never sees it (PgBouncer logs in to RDS with the rotated database-login secret). Rotating "
    "it means a new value, a restart of PgBouncer and a rolling deploy of the service: an "
    "operator procedure (docs/deploying.md, Secrets).",
}
