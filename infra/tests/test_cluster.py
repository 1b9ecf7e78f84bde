"""ECS cluster, Auto Scaling Group and capacity provider: every number from the seed."""

from __future__ import annotations

import json

from aws_cdk.assertions import Match

from .conftest import Synthesized, logical_id

# The seed (seed/ecs-architecture.txt), verbatim.
SEED_CLUSTER = "smart360-prod"
SEED_ASG = {"min": 1, "max": 2, "desired": 2, "warmup": 300, "cpu": 90}


def test_the_registry_carries_the_seed_numbers(stack: Synthesized) -> None:
    cluster = stack.registry.cluster
    assert cluster.name == SEED_CLUSTER
    assert (cluster.asg.min, cluster.asg.max, cluster.asg.desired) == (1, 2, 2)
    assert cluster.asg.instance_warmup_seconds == SEED_ASG["warmup"]
    assert cluster.asg.cpu_target_percent == SEED_ASG["cpu"]
    assert cluster.asg.on_demand_only
    assert cluster.asg.multi_az


def test_cluster_is_named_from_the_registry(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::ECS::Cluster", 1)
    stack.template.has_resource_properties("AWS::ECS::Cluster", {"ClusterName": SEED_CLUSTER})


def test_asg_sizes_and_warmup(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::AutoScaling::AutoScalingGroup", 1)
    stack.template.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "MinSize": str(SEED_ASG["min"]),
            "MaxSize": str(SEED_ASG["max"]),
            "DesiredCapacity": str(SEED_ASG["desired"]),
            "DefaultInstanceWarmup": SEED_ASG["warmup"],
            # Required by managed termination protection.
            "NewInstancesProtectedFromScaleIn": True,
        },
    )


def test_asg_uses_a_launch_template_with_on_demand_capacity_only(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::AutoScaling::LaunchConfiguration", 0)
    asg = stack.one("AWS::AutoScaling::AutoScalingGroup")
    assert "MixedInstancesPolicy" not in asg
    template_id = logical_id(asg["LaunchTemplate"]["LaunchTemplateId"])
    data = stack.raw["Resources"][template_id]["Properties"]["LaunchTemplateData"]
    assert "InstanceMarketOptions" not in data  # no spot
    assert data["InstanceType"] == stack.registry.cluster.asg.instance_type
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    # The ECS-optimized AMI comes from the public SSM parameter: a CFN parameter, no lookup.
    ami_parameter = data["ImageId"]["Ref"]
    assert "ecs" in stack.raw["Parameters"][ami_parameter]["Default"]
    assert stack.raw["Parameters"][ami_parameter]["Type"].startswith("AWS::SSM::Parameter::Value")


def test_asg_spans_public_subnets_in_several_azs(stack: Synthesized) -> None:
    asg = stack.one("AWS::AutoScaling::AutoScalingGroup")
    subnets = [stack.raw["Resources"][logical_id(s)]["Properties"] for s in asg["VPCZoneIdentifier"]]
    azs = {str(s["AvailabilityZone"]) for s in subnets}
    assert len(subnets) >= 2
    assert len(azs) == len(subnets)
    assert all(s["MapPublicIpOnLaunch"] for s in subnets)


def test_asg_target_tracking_on_average_cpu(stack: Synthesized) -> None:
    stack.template.has_resource_properties(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
                "TargetValue": SEED_ASG["cpu"],
            },
            "EstimatedInstanceWarmup": SEED_ASG["warmup"],
        },
    )


def test_asg_is_the_capacity_provider_with_managed_scaling_draining_and_protection(
    stack: Synthesized,
) -> None:
    provider = stack.one("AWS::ECS::CapacityProvider")["AutoScalingGroupProvider"]
    asg_id = next(iter(stack.resources("AWS::AutoScaling::AutoScalingGroup")))
    assert logical_id(provider["AutoScalingGroupArn"]) == asg_id
    assert provider["ManagedScaling"]["Status"] == "ENABLED"
    assert provider["ManagedTerminationProtection"] == "ENABLED"
    assert provider["ManagedDraining"] == "ENABLED"
    provider_id = next(iter(stack.resources("AWS::ECS::CapacityProvider")))
    stack.template.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {
            "CapacityProviders": [{"Ref": provider_id}],
            "DefaultCapacityProviderStrategy": [
                Match.object_like({"CapacityProvider": {"Ref": provider_id}})
            ],
        },
    )


def test_containers_cannot_reach_instance_metadata_and_volumes_are_encrypted(stack: Synthesized) -> None:
    (template,) = stack.resources("AWS::EC2::LaunchTemplate").values()
    data = template["Properties"]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    (volume,) = data["BlockDeviceMappings"]
    assert volume["Ebs"]["Encrypted"] is True
    user_data = json.dumps(data["UserData"])
    assert "ECS_AWSVPC_BLOCK_IMDS=true" in user_data
    assert "--in-interface docker+ --destination 169.254.169.254/32 --jump DROP" in user_data


def test_pgbouncer_waits_for_the_capacity_provider_association(stack: Synthesized) -> None:
    (association_id,) = stack.resources("AWS::ECS::ClusterCapacityProviderAssociations")
    (pgbouncer,) = [r for r in stack.resources("AWS::ECS::Service").values()
                    if r["Properties"]["ServiceName"] == "pgbouncer"]
    assert association_id in pgbouncer["DependsOn"]


def test_staging_is_a_second_environment_of_its_own(staging: Synthesized) -> None:
    staging.template.has_resource_properties("AWS::ECS::Cluster", {"ClusterName": "smart360-staging"})
    assert {p["Cluster"] for p in staging.app_services().values()} == {"smart360-staging"}
    names = {r["Properties"].get("Name") for r in staging.resources("AWS::SecretsManager::Secret").values()}
    assert "smart360-staging/cx/database-password" in names


def test_no_context_lookups_environment_agnostic(stack: Synthesized) -> None:
    """Synth needs no account: AZs come from Fn::GetAZs, not from a cached lookup."""
    subnets = stack.resources("AWS::EC2::Subnet").values()
    assert all("Fn::Select" in s["Properties"]["AvailabilityZone"] for s in subnets)
