"""Least privilege, one rule per arrow:

world -80/443-> ALB -ephemeral-> instances -6432-> PgBouncer -5432-> RDS; instances -6379-> Redis.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Synthesized, logical_id

ANYWHERE = "0.0.0.0/0"


def _ingress(stack: Synthesized) -> dict[str, set[tuple[str, int, int]]]:
    """Security group logical id -> {(source SG id or CIDR, from port, to port)}."""
    rules: dict[str, set[tuple[str, int, int]]] = {}
    groups = stack.resources("AWS::EC2::SecurityGroup")
    for group_id, group in groups.items():
        found = rules.setdefault(group_id, set())
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            found.add(_rule(rule))
    for rule in stack.resources("AWS::EC2::SecurityGroupIngress").values():
        rules[logical_id(rule["Properties"]["GroupId"])].add(_rule(rule["Properties"]))
    return rules


def _rule(props: dict[str, Any]) -> tuple[str, int, int]:
    source = props.get("CidrIp") or props.get("CidrIpv6") or logical_id(props["SourceSecurityGroupId"])
    return (
        source if isinstance(source, str) else "vpc-cidr",
        _port(props["FromPort"]),
        _port(props["ToPort"]),
    )


def _port(value: Any) -> int:
    """A port, or RDS's own port attribute (the rotation Lambda's rule uses it): 5432."""
    if isinstance(value, dict):
        assert "Endpoint.Port" in str(value), value
        return 5432
    return int(value)


@pytest.fixture(scope="module")
def groups(stack: Synthesized) -> dict[str, str]:
    """Role -> security group logical id, found through the resources that use them."""
    (db_sg,) = stack.one("AWS::RDS::DBInstance")["VPCSecurityGroups"]
    (redis_sg,) = stack.one("AWS::ElastiCache::ReplicationGroup")["SecurityGroupIds"]
    (alb_sg,) = stack.one("AWS::ElasticLoadBalancingV2::LoadBalancer")["SecurityGroups"]
    (template,) = stack.resources("AWS::EC2::LaunchTemplate").values()
    (instance_sg,) = template["Properties"]["LaunchTemplateData"]["SecurityGroupIds"]
    (pgbouncer,) = [
        r["Properties"]
        for r in stack.resources("AWS::ECS::Service").values()
        if r["Properties"]["ServiceName"] == "pgbouncer"
    ]
    config = pgbouncer["NetworkConfiguration"]["AwsvpcConfiguration"]
    (pgbouncer_sg,) = config["SecurityGroups"]
    return {
        role: logical_id(expr)
        for role, expr in {
            "database": db_sg,
            "redis": redis_sg,
            "alb": alb_sg,
            "instances": instance_sg,
            "pgbouncer": pgbouncer_sg,
            "db_admin": stack.raw["Outputs"]["DbBootstrapSecurityGroup"]["Value"],
        }.items()
    }


def test_each_group_has_a_distinct_job(stack: Synthesized, groups: dict[str, str]) -> None:
    assert len(set(groups.values())) == 6
    # + the Secrets Manager endpoint's and the two rotation groups' (the master's, the nine
    # login rotations' shared one), all in the isolated subnets
    stack.template.resource_count_is("AWS::EC2::SecurityGroup", 9)


def test_alb_is_open_on_80_and_443_to_the_world_only(stack: Synthesized, groups: dict[str, str]) -> None:
    assert _ingress(stack)[groups["alb"]] == {(ANYWHERE, 80, 80), (ANYWHERE, 443, 443)}


def test_instances_accept_only_the_alb_on_the_dynamic_port_range(
    stack: Synthesized, groups: dict[str, str]
) -> None:
    assert _ingress(stack)[groups["instances"]] == {(groups["alb"], 32768, 65535)}


def test_pgbouncer_accepts_only_the_cluster_instances(stack: Synthesized, groups: dict[str, str]) -> None:
    assert _ingress(stack)[groups["pgbouncer"]] == {(groups["instances"], 6432, 6432)}


def test_rds_accepts_only_pgbouncer_the_bootstrap_task_and_its_rotation(
    stack: Synthesized, groups: dict[str, str]
) -> None:
    sources = _ingress(stack)[groups["database"]]
    assert {(groups["pgbouncer"], 5432, 5432), (groups["db_admin"], 5432, 5432)} < sources
    rotations = sources - {(groups["pgbouncer"], 5432, 5432), (groups["db_admin"], 5432, 5432)}
    assert len(rotations) == 2  # the master's rotation and the per-service logins' rotations
    assert all("Rotation" in source for source, *_ in rotations)


def test_redis_accepts_only_the_cluster_instances(stack: Synthesized, groups: dict[str, str]) -> None:
    assert _ingress(stack)[groups["redis"]] == {(groups["instances"], 6379, 6379)}


def test_alb_and_pgbouncer_may_only_reach_their_next_hop(stack: Synthesized, groups: dict[str, str]) -> None:
    egress: dict[str, set[tuple[str, int, int]]] = {}
    for rule in stack.resources("AWS::EC2::SecurityGroupEgress").values():
        props = rule["Properties"]
        target = (logical_id(props["DestinationSecurityGroupId"]), props["FromPort"], props["ToPort"])
        egress.setdefault(logical_id(props["GroupId"]), set()).add(target)
    assert egress[groups["alb"]] == {(groups["instances"], 32768, 65535)}
    assert egress[groups["pgbouncer"]] == {(groups["database"], 5432, 5432)}
    for role in ("alb", "pgbouncer"):  # no inline allow-all egress either
        props = stack.raw["Resources"][groups[role]]["Properties"]
        assert all(r.get("CidrIp") != ANYWHERE for r in props.get("SecurityGroupEgress", []))
