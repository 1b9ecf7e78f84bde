"""RDS, PgBouncer and Redis: encrypted, private, sized from the registry, found by name."""

from __future__ import annotations

import re

from smart360.deploy import names

from .conftest import Synthesized, logical_id


def test_rds_postgresql_encrypted_private_and_from_the_registry(stack: Synthesized) -> None:
    spec = stack.registry.cluster.database
    stack.template.resource_count_is("AWS::RDS::DBInstance", 1)
    db = stack.one("AWS::RDS::DBInstance")
    assert db["Engine"] == "postgres"
    assert db["EngineVersion"] == spec.engine_version
    assert db["DBInstanceClass"] == spec.instance_class
    assert db["StorageEncrypted"] is True
    assert db["PubliclyAccessible"] is False
    params = stack.raw["Resources"][logical_id(db["DBParameterGroupName"])]["Properties"]
    assert params["Parameters"]["max_connections"] == str(spec.max_connections)
    assert params["Family"] == f"postgres{spec.engine_version.split('.')[0]}"
    # The master password is a generated secret, not a template literal.
    assert "MasterUserPassword" in db
    assert "resolve:secretsmanager" in str(db["MasterUserPassword"])


def test_rds_and_redis_live_in_subnets_without_a_route_out(stack: Synthesized) -> None:
    group = stack.one("AWS::RDS::DBSubnetGroup")
    cache = stack.one("AWS::ElastiCache::SubnetGroup")
    for subnet_refs in (group["SubnetIds"], cache["SubnetIds"]):
        assert len(subnet_refs) >= 2
        for ref in subnet_refs:
            assert stack.raw["Resources"][logical_id(ref)]["Properties"]["MapPublicIpOnLaunch"] is False
    routes = stack.resources("AWS::EC2::Route").values()
    internet_tables = {logical_id(r["Properties"]["RouteTableId"]) for r in routes}
    for assoc in stack.resources("AWS::EC2::SubnetRouteTableAssociation").values():
        if assoc["Properties"]["SubnetId"] in group["SubnetIds"]:
            assert logical_id(assoc["Properties"]["RouteTableId"]) not in internet_tables


def test_redis_replication_group_in_the_vpc(stack: Synthesized) -> None:
    redis = stack.one("AWS::ElastiCache::ReplicationGroup")
    assert redis["Engine"] == "redis"
    assert redis["AtRestEncryptionEnabled"] is True
    assert redis["AutomaticFailoverEnabled"] is True
    assert redis["NumCacheClusters"] >= 2
    assert len(redis["SecurityGroupIds"]) == 1


def _pgbouncer(stack: Synthesized) -> tuple[dict, dict]:
    (service,) = [
        r["Properties"]
        for r in stack.resources("AWS::ECS::Service").values()
        if r["Properties"]["ServiceName"] == "pgbouncer"
    ]
    (container,) = stack.task_definition(service)["ContainerDefinitions"]
    return service, container


def test_pgbouncer_service_pools_transactions_with_registry_sizes(stack: Synthesized) -> None:
    spec = stack.registry.cluster.database
    service, container = _pgbouncer(stack)
    assert stack.task_definition(service)["NetworkMode"] == "awsvpc"
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert env["POOL_MODE"] == "transaction"
    assert env["DEFAULT_POOL_SIZE"] == str(spec.pgbouncer_default_pool_size)
    assert env["MAX_CLIENT_CONN"] == str(spec.pgbouncer_max_client_conn)
    assert container["PortMappings"][0]["ContainerPort"] == names.PGBOUNCER_PORT
    assert re.fullmatch(r"edoburu/pgbouncer:[\w.-]+@sha256:[0-9a-f]{64}", container["Image"])
    # Its userlist comes from each service's own password secret, one per database role.
    secrets = stack.resources("AWS::SecretsManager::Secret")
    by_variable = {s["Name"]: secrets[logical_id(s["ValueFrom"])] for s in container["Secrets"]}
    cluster = stack.registry.cluster.name
    assert {variable: secret["Properties"]["Name"] for variable, secret in by_variable.items()} == {
        f"PASSWORD_{svc.db_role}": names.secret_name(cluster, svc, "database-password")
        for svc in stack.registry.services.values()
    }
    script = container["Command"][0]
    for svc in stack.registry.services.values():
        assert f"{svc.database} = host=$DB_HOST" in script
        assert f"$PASSWORD_{svc.db_role}" in script


def test_apps_reach_pgbouncer_by_name_and_redis_by_its_tls_endpoint(stack: Synthesized) -> None:
    namespace = stack.one("AWS::ServiceDiscovery::PrivateDnsNamespace")["Name"]
    records = {
        r["Properties"]["Name"]: (k, r["Properties"])
        for k, r in stack.resources("AWS::ServiceDiscovery::Service").items()
    }
    service, _ = _pgbouncer(stack)
    (registry_entry,) = service["ServiceRegistries"]
    pgbouncer_id, _ = records["pgbouncer"]
    assert logical_id(registry_entry["RegistryArn"]) == pgbouncer_id
    assert namespace == names.SERVICE_DISCOVERY_NAMESPACE
    (parameter,) = stack.resources("AWS::SSM::Parameter").values()
    props = parameter["Properties"]
    assert props["Name"] == names.parameter_name(stack.registry.cluster.name, names.REDIS_URL_PARAMETER)
    value = props["Value"]["Fn::Join"][1]
    assert value[0] == "rediss://"  # TLS, to the endpoint the certificate names
    assert value[1]["Fn::GetAtt"][1] == "PrimaryEndPoint.Address"


def test_redis_requires_tls_and_an_auth_token_from_secrets_manager(stack: Synthesized) -> None:
    redis = stack.one("AWS::ElastiCache::ReplicationGroup")
    assert redis["TransitEncryptionEnabled"] is True
    assert "resolve:secretsmanager" in str(redis["AuthToken"])


def test_rds_deletion_protection_in_prod_only_and_the_master_password_rotates(
    stack: Synthesized, staging: Synthesized
) -> None:
    assert stack.one("AWS::RDS::DBInstance")["DeletionProtection"] is True
    assert staging.one("AWS::RDS::DBInstance").get("DeletionProtection", False) is False
    schedule = stack.one("AWS::SecretsManager::RotationSchedule")
    assert schedule["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
    endpoint = stack.one("AWS::EC2::VPCEndpoint")
    assert "secretsmanager" in str(endpoint["ServiceName"])


def test_django_cache_and_broker_never_see_the_token_in_plain_environment(stack: Synthesized) -> None:
    for props in stack.resources("AWS::ECS::TaskDefinition").values():
        for container in props["Properties"]["ContainerDefinitions"]:
            assert not [e for e in container.get("Environment", []) if "REDIS" in e["Name"]]
