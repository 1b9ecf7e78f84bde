"""RDS, PgBouncer and Redis: encrypted, private, sized from the registry, found by name."""

from __future__ import annotations

import json
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
    # Its userlist comes from each service's own password secret, one per database role; its
    # logins to RDS from each service's rotated database-login secret (JSON fields).
    secrets = stack.resources("AWS::SecretsManager::Secret")
    attachments = stack.resources("AWS::SecretsManager::SecretTargetAttachment")

    def secret_name(value_from: object) -> str:
        if isinstance(value_from, dict) and "Fn::Join" in value_from:  # <attachment>:<field>::
            attachment = attachments[logical_id(value_from["Fn::Join"][1][0])]["Properties"]
            return secrets[logical_id(attachment["SecretId"])]["Properties"]["Name"]
        return secrets[logical_id(value_from)]["Properties"]["Name"]

    cluster = stack.registry.cluster.name
    by_variable = {s["Name"]: secret_name(s["ValueFrom"]) for s in container["Secrets"]}
    expected = {}
    for svc in stack.registry.services.values():
        expected[f"PASSWORD_{svc.db_role}"] = names.secret_name(cluster, svc, "database-password")
        login = names.secret_name(cluster, svc, names.DB_LOGIN_SECRET)
        expected[f"LOGIN_USER_{svc.db_role}"] = expected[f"LOGIN_PASSWORD_{svc.db_role}"] = login
    assert by_variable == expected
    fields = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
    script = container["Command"][0]
    for svc in stack.registry.services.values():
        assert fields[f"LOGIN_USER_{svc.db_role}"]["Fn::Join"][1][1] == ":username::"
        assert fields[f"LOGIN_PASSWORD_{svc.db_role}"]["Fn::Join"][1][1] == ":password::"
        assert (f"{svc.database} = host=$DB_HOST port=$DB_PORT dbname={svc.database} "
                f"user=$LOGIN_USER_{svc.db_role} password=$LOGIN_PASSWORD_{svc.db_role}") in script
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
    parameters = {p["Properties"]["Name"]: p for p in stack.resources("AWS::SSM::Parameter").values()}
    props = parameters[names.parameter_name(stack.registry.cluster.name, names.REDIS_URL_PARAMETER)][
        "Properties"
    ]
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
    schedules = stack.resources("AWS::SecretsManager::RotationSchedule")
    master = next(s for s in schedules.values() if "Database" in s["Properties"]["SecretId"]["Ref"]
                  and "Login" not in s["Properties"]["SecretId"]["Ref"])
    assert master["Properties"]["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
    endpoint = stack.one("AWS::EC2::VPCEndpoint")
    assert "secretsmanager" in str(endpoint["ServiceName"])


def test_django_cache_and_broker_never_see_the_token_in_plain_environment(stack: Synthesized) -> None:
    for props in stack.resources("AWS::ECS::TaskDefinition").values():
        for container in props["Properties"]["ContainerDefinitions"]:
            assert not [e for e in container.get("Environment", []) if "REDIS" in e["Name"]]


def test_every_service_rds_login_rotates_with_alternating_users(stack: Synthesized) -> None:
    """Secrets Manager rotation for the database passwords: one login secret per service (the
    master's JSON shape + masterarn), a 30-day schedule with the PostgreSQL multi-user function."""
    secrets = stack.resources("AWS::SecretsManager::Secret")
    attachments = stack.resources("AWS::SecretsManager::SecretTargetAttachment")
    schedules = [s["Properties"] for s in stack.resources("AWS::SecretsManager::RotationSchedule").values()]
    assert len(stack.resources("AWS::Serverless::Application")) == len(stack.registry.services) + 1
    cluster = stack.registry.cluster.name
    for svc in stack.registry.services.values():
        name = names.secret_name(cluster, svc, names.DB_LOGIN_SECRET)
        secret_id, secret = next((k, s["Properties"]) for k, s in secrets.items()
                                 if s["Properties"].get("Name") == name)
        text = json.dumps(secret["GenerateSecretString"])
        assert f'\\"username\\":\\"{svc.db_role}\\"' in text
        assert f'\\"dbname\\":\\"{svc.database}\\"' in text
        assert "masterarn" in text  # the multi-user function signs in as the master
        attachment_id = next(k for k, a in attachments.items()
                             if logical_id(a["Properties"]["SecretId"]) == secret_id)
        (schedule,) = [s for s in schedules if logical_id(s["SecretId"]) == attachment_id]
        assert schedule["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
        assert schedule["RotateImmediatelyOnUpdate"] is False  # the role comes with bootstrap-aws
        app = stack.raw["Resources"][schedule["RotationLambdaARN"]["Fn::GetAtt"][0]]["Properties"]
        mapping = app["Location"]["ApplicationId"]["Fn::FindInMap"][0]
        assert "PostgreSQLRotationMultiUser" in json.dumps(stack.template.to_json()["Mappings"][mapping])


def test_pgbouncer_restarts_when_a_rotation_succeeds(stack: Synthesized) -> None:
    (rule,) = [r["Properties"] for r in stack.resources("AWS::Events::Rule").values()
               if "RotationSucceeded" in json.dumps(r["Properties"].get("EventPattern", {}))]
    assert rule["EventPattern"]["source"] == ["aws.secretsmanager"]
    (target,) = rule["Targets"]
    machine = stack.raw["Resources"][logical_id(target["Arn"])]["Properties"]
    definition = json.dumps(machine["DefinitionString"])
    assert ":states:::aws-sdk:ecs:updateService" in definition
    assert '\\"ForceNewDeployment\\":true' in definition
    service, _ = _pgbouncer(stack)
    assert service["ServiceName"] == "pgbouncer"
    assert machine["TracingConfiguration"]["Enabled"] is True
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
