"""The stack is generated from the registry: a tenth service and other ASG numbers show up."""

from __future__ import annotations

from smart360.registry import ROLES

from .conftest import NEW_SERVICE, Synthesized


def test_a_tenth_service_gets_everything_the_nine_have(grown: Synthesized) -> None:
    services = grown.app_services()
    assert len(grown.registry.services) == 10
    assert len(services) == 30
    assert {f"{NEW_SERVICE}-{role}" for role in ROLES} <= set(services)
    grown.template.resource_count_is("AWS::ECR::Repository", 10)
    grown.services_template.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 10)
    grown.template.has_resource_properties(
        "AWS::ECR::Repository", {"RepositoryName": f"smart360/{NEW_SERVICE}"}
    )
    grown.services_template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup", {"HealthCheckPath": f"/{NEW_SERVICE}/healthz"}
    )
    grown.services_template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        {"Priority": 1100, "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {
            "Values": [f"/{NEW_SERVICE}/*"]}}]},
    )  # fmt: skip
    grown.services_template.has_resource_properties(
        "AWS::ECS::Service", {"ServiceName": f"{NEW_SERVICE}-web", "TaskDefinition": f"{NEW_SERVICE}-web"}
    )
    grown.services_template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 1, "MaxCapacity": 7}
    )
    grown.template.has_resource_properties(
        "AWS::SecretsManager::Secret", {"Name": f"smart360-prod/{NEW_SERVICE}/database-password"}
    )


def test_asg_numbers_come_from_the_registry(grown: Synthesized) -> None:
    asg = grown.one("AWS::AutoScaling::AutoScalingGroup")
    spec = grown.registry.cluster.asg
    assert (asg["MinSize"], asg["MaxSize"], asg["DesiredCapacity"]) == ("2", "5", "3")
    assert (spec.min, spec.max, spec.desired) == (2, 5, 3)


def test_pgbouncer_knows_the_new_database_and_role(grown: Synthesized) -> None:
    svc = grown.registry.service(NEW_SERVICE)
    (pgbouncer,) = [s for s in grown.resources("AWS::ECS::Service").values()
                    if s["Properties"]["ServiceName"] == "pgbouncer"]  # fmt: skip
    (container,) = grown.task_definition(pgbouncer["Properties"])["ContainerDefinitions"]
    assert f"{svc.database} = host=$DB_HOST" in container["Command"][0]
    assert f"PASSWORD_{svc.db_role}" in {s["Name"] for s in container["Secrets"]}
