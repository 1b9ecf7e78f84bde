"""The ECS cluster and its EC2 capacity: one Auto Scaling Group used as the capacity provider.

Numbers come from `[cluster.asg]` in the registry (seed: min 1 / max 2 / desired 2, warm-up 300 s,
on-demand only, multi-AZ, average CPU 90 %).

Instance metadata is out of the containers' reach: IMDSv2 only with a hop limit of 1 (a bridge
container is one hop further and never gets a token), plus an iptables rule dropping the
metadata address for traffic from Docker's bridges and ECS_AWSVPC_BLOCK_IMDS for awsvpc tasks.
Containers get AWS credentials from their task role only. Root volumes are encrypted.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from constructs import Construct

from smart360.registry import Cluster
from smart360_infra import names
from smart360_infra.network import Network

ROOT_DEVICE = "/dev/xvda"  # Amazon Linux 2023 ECS-optimized AMI
ROOT_VOLUME_GIB = 30
METADATA_ADDRESS = "169.254.169.254"
BLOCK_METADATA_FROM_CONTAINERS = (
    "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config",
    # Docker keeps an existing DOCKER-USER chain and jumps to it first from FORWARD.
    "iptables -N DOCKER-USER 2>/dev/null || true",
    f"iptables --insert DOCKER-USER 1 --in-interface docker+ --destination {METADATA_ADDRESS}/32 --jump DROP",
)


class Capacity(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, cluster: Cluster, name: str, network: Network
    ) -> None:
        super().__init__(scope, construct_id)
        asg_spec = cluster.asg
        if not asg_spec.on_demand_only:
            raise ValueError("only on-demand capacity is modelled (registry: on_demand_only)")
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            cluster_name=name,
            vpc=network.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        # Private DNS for PgBouncer (pgbouncer.smart360.internal), resolvable from every task.
        self.cluster.add_default_cloud_map_namespace(name=names.SERVICE_DISCOVERY_NAMESPACE)

        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            managed_policies=[
                # Shell access without SSH keys or an open port 22.
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"),
            ],
        )
        # A launch template (launch configurations are deprecated). No spot options anywhere:
        # the seed's capacity is on-demand only, so there is no mixed-instances policy either.
        user_data = ec2.UserData.for_linux()
        user_data.add_commands(*BLOCK_METADATA_FROM_CONTAINERS)
        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=ec2.InstanceType(asg_spec.instance_type),
            # Resolved at deploy time from the public SSM parameter: a CFN parameter, no lookup.
            machine_image=ecs.EcsOptimizedImage.amazon_linux2023(),
            user_data=user_data,
            security_group=network.instance_sg,
            role=role,
            require_imdsv2=True,
            http_put_response_hop_limit=1,  # containers cannot borrow the instance role
            block_devices=[
                ec2.BlockDevice(
                    device_name=ROOT_DEVICE,
                    volume=ec2.BlockDeviceVolume.ebs(
                        ROOT_VOLUME_GIB, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
        )
        self.asg = autoscaling.AutoScalingGroup(
            self,
            "Asg",
            vpc=network.vpc,
            # One public subnet per AZ (multi-AZ), or the first one if the registry says otherwise.
            vpc_subnets=network.public_subnets
            if asg_spec.multi_az
            else ec2.SubnetSelection(subnets=network.vpc.public_subnets[:1]),
            launch_template=launch_template,
            min_capacity=asg_spec.min,
            max_capacity=asg_spec.max,
            desired_capacity=asg_spec.desired,
            default_instance_warmup=Duration.seconds(asg_spec.instance_warmup_seconds),
        )
        # The seed's policy, kept: average CPU 90 %. Managed scaling (below) is what adds an
        # instance when tasks cannot be placed; this policy only adds one when the instances
        # are busy although every task fits. Both act on the same group: the larger desired
        # count wins on scale-out, and scale-in happens only when neither needs the instance
        # (managed termination protection keeps instances that still run tasks).
        self.asg.scale_on_cpu_utilization(
            "Cpu",
            target_utilization_percent=asg_spec.cpu_target_percent,
            estimated_instance_warmup=Duration.seconds(asg_spec.instance_warmup_seconds),
        )
        self.provider_name = names.capacity_provider(name)
        self.capacity_provider = ecs.AsgCapacityProvider(
            self,
            "CapacityProvider",
            auto_scaling_group=self.asg,
            capacity_provider_name=names.capacity_provider(name),  # a literal: the services stack names it
            enable_managed_scaling=True,
            enable_managed_termination_protection=True,
            enable_managed_draining=True,  # tasks are drained before an instance is removed
            target_capacity_percent=100,
        )
        self.cluster.add_asg_capacity_provider(self.capacity_provider)
        self.cluster.add_default_capacity_provider_strategy(
            [
                ecs.CapacityProviderStrategy(
                    capacity_provider=self.capacity_provider.capacity_provider_name, weight=1
                )
            ]
        )

    def place(self, service: ecs.Ec2Service | ecs.CfnService) -> None:
        """Make `service` wait for the cluster's capacity-provider association.

        Without this dependency CloudFormation may create the service before the association
        ("capacity provider not associated with the cluster"), a known race. The association
        is created lazily under the cluster, so depend on the cluster construct (all of it).
        """
        service.node.add_dependency(self.cluster)

    def strategy(self) -> list[ecs.CapacityProviderStrategy]:
        return [
            ecs.CapacityProviderStrategy(
                capacity_provider=self.capacity_provider.capacity_provider_name, weight=1
            )
        ]
