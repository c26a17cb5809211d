"""MlNetwork: an isolated VPC for ML workloads — no internet gateway, no NAT, VPC endpoints only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Annotations, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_secure_ml.constructs.endpoint_policies import apply_endpoint_policies
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.network_routes import check_egress, subnet_label
from cdk_secure_ml.core.names import ACCOUNT_ID_RE, ORGANIZATION_ID_RE
from cdk_secure_ml.core.network import (
    DEFAULT_INTERFACE_ENDPOINTS,
    INTERFACE_ENDPOINT_SERVICES,
    az_id_problems,
    new_vpc_problems,
)
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs, skip_checkov

__all__ = ["MlNetwork", "DEFAULT_INTERFACE_ENDPOINTS", "INTERFACE_ENDPOINT_SERVICES"]

_ACCOUNT_RE = ACCOUNT_ID_RE
_S3_OBJECT_ARN_RE = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.*-]{1,62}/.+$")


def _has_route_table(subnet: ec2.ISubnet) -> bool:
    # An imported subnet without a route table id fails jsii serialization when the id is read.
    try:
        return subnet.route_table.route_table_id is not None
    except RuntimeError:
        return False


def _az_label(subnet: ec2.ISubnet) -> str:
    az = subnet.availability_zone
    return az if not Token.is_unresolved(az) else "AZ unknown at synth time"


def _construct_id_for(service: str) -> str:
    # "sagemaker.api" -> "SagemakerApiEndpoint". Construct ids are public API: never change this.
    return pascal_case(service) + "Endpoint"


class MlNetwork(Construct):
    """An isolated VPC for SageMaker: private subnets only, VPC endpoints instead of internet access.

    Creates (or takes) a VPC whose subnets have no route to the internet — no internet gateway and no
    NAT gateway — and gives it what SageMaker needs to work without one: an S3 gateway endpoint on
    every subnet's route table, interface endpoints with private DNS for the VpcOnly Studio set, one
    security group for those endpoints, VPC flow logs to a KMS-encrypted log group, and the VPC's
    default security group stripped of all rules.

    Workloads (Studio apps, training jobs, endpoints) get their security groups from
    :meth:`new_workload_security_group`: members talk to each other and to the endpoints, nothing else.

    :param vpc: bring your own VPC instead of creating one. MlNetwork uses its isolated subnets (else its
        private ones): at least 2, in distinct AZs, with no path to the internet. A VPC built in the same
        app is checked route by route (its ``AWS::EC2::Route`` resources); an imported one by CDK's subnet
        groups, where ``PRIVATE_WITH_EGRESS`` means a NAT gateway (docs/network.md, "Bring your own
        VPC"). Endpoints and flow logs are added to it; the rules of its default security group are
        removed only when it is an ``ec2.Vpc`` of this app with ``restrict_default_security_group`` (a
        warning says so otherwise).
    :param inspected_egress: opt in to internet egress through an inspection firewall, naming it (e.g.
        ``"AWS Network Firewall egress-fw"``): the platform's subnets may then route to a NAT gateway, a
        NAT instance or a firewall (Gateway Load Balancer) endpoint, as in AWS Network Firewall's
        internet gateway + NAT gateway architecture
        (https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html); never to
        an internet gateway. A warning records it. MlNetwork cannot see the firewall's own routes: that
        the NAT gateway's subnet really routes through the firewall is yours to ensure. Default None:
        any such route is refused.
    :param cidr: IPv4 range of a new VPC (private, /16 to /24). Default ``10.20.0.0/16``.
    :param max_azs: number of AZs for a new VPC, at least 2 (SageMaker hosting needs 2). In an
        environment-agnostic stack CDK can discover only 2; pass ``availability_zones`` for more.
    :param availability_zones: explicit AZ names for a new VPC (overrides ``max_azs``).
    :param availability_zone_ids: explicit AZ IDs (``use1-az1``, ...) for a new VPC instead of names:
        the same physical zones in every account, so a zone known to lack an endpoint service or an
        instance family can be avoided in all of them. The subnets get ``AvailabilityZoneId``.
    :param subnet_cidr_mask: prefix length of each subnet; default splits the VPC evenly. Each subnet must
        hold AWS's 5 reserved addresses and one address per interface endpoint, else ``ValueError`` names
        the mask (or the ``cidr``) that fits (docs/network.md, "Subnet capacity").
    :param reserved_cidrs: ranges (peered VPCs, on-premises) the new VPC must not overlap.
    :param interface_endpoints: the interface endpoint services; default
        :data:`DEFAULT_INTERFACE_ENDPOINTS`. Names are keys of :data:`INTERFACE_ENDPOINT_SERVICES`.
    :param extra_interface_endpoints: services added to ``interface_endpoints``.
    :param dynamodb_gateway_endpoint: also add a DynamoDB gateway endpoint. Default False.
    :param endpoint_access_from_vpc_cidr: let the whole VPC CIDR reach the endpoints on 443. Default
        False: only security groups made by :meth:`new_workload_security_group` (or passed to
        :meth:`allow_endpoint_access_from`) may.
    :param s3_prefix_list_id: the region's S3 managed prefix list (``pl-…``). When given, workload
        egress to S3 is limited to it; otherwise workloads may send 443 to any address, which in this
        VPC can only reach the gateway endpoint (there is no other route out).
    :param flow_log_key: KMS key for the flow-log group. It must let CloudWatch Logs use it
        (:class:`EncryptionKeys` does for its ``logs`` key). Default: a dedicated key is created.
    :param flow_log_retention: retention of the flow-log group. Default one year.
    :param restrict_endpoints: endpoint policies on the S3 gateway endpoint and on the interface
        endpoints of :data:`ENDPOINT_POLICY_SERVICES`: only principals of this account (or of
        ``organization_id``, or of ``trusted_accounts``) may use them, and the S3 endpoint reaches
        only buckets of those accounts (plus ``trusted_resource_accounts``), the ECR layer bucket and
        ``allowed_s3_objects``. AWS service principals stay allowed. Default True.
    :param organization_id: the AWS Organizations id (``o-...``): principals and buckets of the whole
        organization are admitted. Default None: this account only (the safe fallback).
    :param trusted_accounts: accounts outside the organization whose principals and buckets are admitted.
    :param trusted_resource_accounts: accounts whose buckets (not principals) are admitted, e.g. the
        delivery account that holds promoted model artifacts.
    :param private_dns_enabled: private DNS on the interface endpoints. Default True. False only for the
        hub of the hub layout (:class:`MlEndpointHub`), whose private hosted zones take its place.
    :param endpoint_hub_cidr: the hub VPC's range when this VPC is a spoke of the hub layout: workload
        groups may send 443 to it (the hub's interface endpoints). Default None.
    :param allowed_s3_objects: AWS-owned object ARN patterns readable (``s3:GetObject``) through the S3
        endpoint by anyone in the VPC, e.g. JumpStart's ``arn:aws:s3:::jumpstart-cache-prod-<region>/*``
        or CodeArtifact's ``arn:aws:s3:::assets-<account>-<region>/*``.

    Attributes:

    - ``vpc`` (``ec2.IVpc``): the VPC (created, or the one given).
    - ``subnets`` (``list[ec2.ISubnet]``): the subnets workloads use: the isolated subnets of a new VPC, the
      private ones of a given VPC.
    - ``subnet_ids`` (``list[str]``) and ``subnet_selection`` (``ec2.SubnetSelection``): the same subnets.
    - ``availability_zone_ids`` (``list[str] | None``): AZ ids (``use1-az1``) when given, else None.
    - ``endpoint_security_group`` (``ec2.SecurityGroup``): the group of the interface endpoints (HTTPS from
      the VPC).
    - ``s3_endpoint`` (``ec2.GatewayVpcEndpoint``): the S3 gateway endpoint; give it to
      ``SecureBucket(allowed_vpc_endpoints=[...])``.
    - ``dynamodb_endpoint`` (``ec2.GatewayVpcEndpoint | None``): the DynamoDB gateway endpoint, when enabled.
    - ``interface_endpoints`` (``dict[str, ec2.InterfaceVpcEndpoint]``): service name -> interface endpoint.
    - ``endpoint_hub_cidr`` (``str | None``): the hub VPC's range workloads may reach on 443 (hub layout).
    - ``restricted_endpoints`` (``list[str]``): the services whose endpoint policy limits use to the
      organisation or the trusted accounts.
    - ``organization_id`` (``str | None``), ``trusted_accounts`` and ``trusted_resource_accounts``
      (``tuple[str, ...]``): as given, without repeats.
    - ``flow_log`` (``ec2.FlowLog``), ``flow_log_group`` (``logs.LogGroup``) and ``flow_log_key``
      (``kms.IKey``, given or created): the VPC flow log, its log group and that group's key.
    - ``imported`` (``bool``): True when the VPC was given rather than created here.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc | None = None,
        cidr: str = "10.20.0.0/16",
        max_azs: int = 2,
        availability_zones: Sequence[str] | None = None,
        availability_zone_ids: Sequence[str] | None = None,
        subnet_cidr_mask: int | None = None,
        reserved_cidrs: Sequence[str] = (),
        interface_endpoints: Sequence[str] = DEFAULT_INTERFACE_ENDPOINTS,
        extra_interface_endpoints: Sequence[str] = (),
        dynamodb_gateway_endpoint: bool = False,
        endpoint_access_from_vpc_cidr: bool = False,
        s3_prefix_list_id: str | None = None,
        flow_log_key: kms.IKey | None = None,
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        restrict_endpoints: bool = True,
        organization_id: str | None = None,
        trusted_accounts: Sequence[str] = (),
        trusted_resource_accounts: Sequence[str] = (),
        allowed_s3_objects: Sequence[str] = (),
        inspected_egress: str | None = None,
        private_dns_enabled: bool = True,
        endpoint_hub_cidr: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        services = list(dict.fromkeys([*interface_endpoints, *extra_interface_endpoints]))
        self._validate_perimeter(
            organization_id, trusted_accounts, trusted_resource_accounts, allowed_s3_objects
        )
        if availability_zone_ids is not None:
            problems = az_id_problems(list(availability_zone_ids), Stack.of(scope).region)
            if availability_zones:
                problems.append("give availability_zones or availability_zone_ids, not both")
            if vpc is not None:
                problems.append(
                    "availability_zone_ids applies to a new VPC; an imported VPC keeps its subnets"
                )
            if problems:
                raise ValueError("MlNetwork: " + "; ".join(problems))
            # CDK places subnets by the names it is given; the IDs stand in for them and each subnet
            # then names its zone by AvailabilityZoneId instead.
            availability_zones = list(availability_zone_ids)
        self._validate_inputs(
            vpc=vpc,
            cidr=cidr,
            max_azs=max_azs,
            availability_zones=availability_zones,
            subnet_cidr_mask=subnet_cidr_mask,
            reserved_cidrs=reserved_cidrs,
            services=services,
            s3_prefix_list_id=s3_prefix_list_id,
            inspected_egress=inspected_egress,
        )
        self._s3_prefix_list_id = s3_prefix_list_id
        self.endpoint_hub_cidr = endpoint_hub_cidr

        if vpc is None:
            self.vpc: ec2.IVpc = self._new_vpc(cidr, max_azs, availability_zones, subnet_cidr_mask)
            self.subnets: list[ec2.ISubnet] = list(self.vpc.isolated_subnets)
            self.imported = False
            if availability_zone_ids is not None:
                for subnet in self.subnets:
                    cfn_subnet = subnet.node.default_child
                    assert isinstance(cfn_subnet, ec2.CfnSubnet)
                    cfn_subnet.add_property_deletion_override("AvailabilityZone")
                    cfn_subnet.add_property_override("AvailabilityZoneId", subnet.availability_zone)
        else:
            self.vpc = vpc
            self.subnets = self._private_subnets_of(vpc)
            #: True when the VPC was given (``vpc=``), in this app or imported; False when MlNetwork made it.
            self.imported = True
            check_egress(self, vpc, self.subnets, inspected_egress)
            self._warn_default_security_group(vpc)

        self.availability_zone_ids = (
            list(availability_zone_ids) if availability_zone_ids is not None else None
        )
        self.subnet_selection = ec2.SubnetSelection(subnets=self.subnets)

        self.endpoint_security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="VPC interface endpoints: HTTPS from ML workloads only",
            # Endpoints answer requests; they never start connections.
            allow_all_outbound=False,
        )
        if endpoint_access_from_vpc_cidr:
            self.endpoint_security_group.add_ingress_rule(
                ec2.Peer.ipv4(self.vpc.vpc_cidr_block), ec2.Port.tcp(443), "HTTPS from the VPC CIDR"
            )

        self.s3_endpoint = self.vpc.add_gateway_endpoint(
            "S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3, subnets=[self.subnet_selection]
        )
        self.dynamodb_endpoint: ec2.GatewayVpcEndpoint | None = None
        if dynamodb_gateway_endpoint:
            self.dynamodb_endpoint = self.vpc.add_gateway_endpoint(
                "DynamoDbEndpoint",
                service=ec2.GatewayVpcEndpointAwsService.DYNAMODB,
                subnets=[self.subnet_selection],
            )

        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        for service in services:
            self.interface_endpoints[service] = ec2.InterfaceVpcEndpoint(
                self,
                _construct_id_for(service),
                vpc=self.vpc,
                service=getattr(ec2.InterfaceVpcEndpointAwsService, INTERFACE_ENDPOINT_SERVICES[service]),
                private_dns_enabled=private_dns_enabled,
                security_groups=[self.endpoint_security_group],
                subnets=self.subnet_selection,
                # open=True would add 443 from the whole VPC CIDR; access is granted per workload group.
                open=False,
            )

        self.organization_id = organization_id
        self.trusted_accounts = tuple(dict.fromkeys(trusted_accounts))
        self.trusted_resource_accounts = tuple(dict.fromkeys(trusted_resource_accounts))
        #: The interface endpoints that got a perimeter policy (the others keep the default policy).
        self.restricted_endpoints: list[str] = []
        if restrict_endpoints:
            apply_endpoint_policies(self, list(allowed_s3_objects))

        self.flow_log_key: kms.IKey = flow_log_key or self._new_flow_log_key()
        self.flow_log_group = logs.LogGroup(
            self,
            "FlowLogGroup",
            encryption_key=self.flow_log_key,
            retention=flow_log_retention,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.flow_log = ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(self.vpc),
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(self.flow_log_group),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        flow_log_role = self.flow_log.node.find_child("IAMRole")
        acknowledge(
            flow_log_role,
            "aws-cdk-lib's FlowLog writes its delivery role's permissions (write to this one log group, "
            "pass this one role) as the role's inline default policy; it is generated and scoped to "
            "these two resources only.",
            *in_regulatory_packs("IAMNoInlinePolicy"),
        )

    # ------------------------------------------------------------------------------------------
    # Public API

    def new_workload_security_group(
        self, scope: Construct, construct_id: str, *, description: str = "ML workload"
    ) -> ec2.SecurityGroup:
        """A security group for ML workloads in this network.

        Members may talk to each other on all ports (distributed training, Studio apps, the home EFS),
        reach the interface endpoints on 443 and S3 through the gateway endpoint. No other ingress or
        egress: the group starts with ``allow_all_outbound=False``.
        """
        group = ec2.SecurityGroup(
            scope, construct_id, vpc=self.vpc, description=description, allow_all_outbound=False
        )
        group.add_ingress_rule(group, ec2.Port.all_traffic(), "Members of this group")
        group.add_egress_rule(group, ec2.Port.all_traffic(), "Members of this group")
        acknowledge(
            group,
            "The only all-ports rule is self-referencing: its source is this group, not an address "
            "range. SageMaker distributed training, Studio apps and the home EFS need members of one "
            "group to reach each other on any port.",
            *in_regulatory_packs("EC2RestrictedCommonPorts"),
        )
        self.allow_endpoint_access_from(group)
        if self.endpoint_hub_cidr:
            group.add_egress_rule(
                ec2.Peer.ipv4(self.endpoint_hub_cidr), ec2.Port.tcp(443), "Interface endpoints of the hub VPC"
            )
        if self._s3_prefix_list_id:
            group.add_egress_rule(
                ec2.Peer.prefix_list(self._s3_prefix_list_id),
                ec2.Port.tcp(443),
                "S3 via the gateway endpoint",
            )
        else:
            # Without the prefix-list id (it needs an AWS lookup) S3 is reached by address. The
            # isolated route tables have no default route, so 443 leaves the VPC only through the
            # S3/DynamoDB gateway endpoints.
            group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "S3 via the gateway endpoint")
        return group

    def allow_endpoint_access_from(self, peer: ec2.IConnectable) -> None:
        """Let ``peer`` (a security group or other connectable) reach the interface endpoints on 443."""
        peer.connections.allow_to(self.endpoint_security_group, ec2.Port.tcp(443), "VPC interface endpoints")

    @property
    def subnet_ids(self) -> list[str]:
        """The ids of ``subnets``, for L1 props (``VpcConfig.Subnets``, SDK defaults)."""
        return [s.subnet_id for s in self.subnets]

    @staticmethod
    def _validate_perimeter(
        organization_id: str | None,
        trusted_accounts: Sequence[str],
        trusted_resource_accounts: Sequence[str],
        allowed_s3_objects: Sequence[str],
    ) -> None:
        problems: list[str] = []
        if organization_id is not None and not ORGANIZATION_ID_RE.match(organization_id):
            problems.append(
                f"organization_id {organization_id!r} is not an AWS Organizations id (o- "
                "followed by 10-32 lower-case letters or digits; aws organizations "
                "describe-organization shows it)"
            )
        for what, accounts in (
            ("trusted_accounts", trusted_accounts),
            ("trusted_resource_accounts", trusted_resource_accounts),
        ):
            bad = [a for a in accounts if not Token.is_unresolved(a) and not _ACCOUNT_RE.fullmatch(str(a))]
            if bad:
                problems.append(f"{what} {bad} are not 12-digit account ids")
        bad_arns = [a for a in allowed_s3_objects if not _S3_OBJECT_ARN_RE.match(a)]
        if bad_arns:
            problems.append(
                f"allowed_s3_objects {bad_arns} are not S3 object ARN patterns "
                "(arn:aws:s3:::<bucket>/<key pattern>, e.g. "
                "arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*)"
            )
        if problems:
            raise ValueError("MlNetwork: " + "; ".join(problems))

    # ------------------------------------------------------------------------------------------
    # Internals

    @staticmethod
    def _validate_inputs(
        *,
        vpc: ec2.IVpc | None,
        cidr: str,
        max_azs: int,
        availability_zones: Sequence[str] | None,
        subnet_cidr_mask: int | None,
        reserved_cidrs: Sequence[str],
        services: Sequence[str],
        s3_prefix_list_id: str | None,
        inspected_egress: str | None = None,
    ) -> None:
        problems: list[str] = []
        if inspected_egress is not None and vpc is None:
            problems.append(f"inspected_egress={inspected_egress!r} applies to a VPC you bring (vpc=...); "
                            "the VPC MlNetwork creates has no route out")
        elif inspected_egress is not None and not inspected_egress.strip():
            problems.append(f"inspected_egress={inspected_egress!r} is empty; name the firewall that "
                            "inspects the egress")
        unknown = [s for s in services if s not in INTERFACE_ENDPOINT_SERVICES]
        if unknown:
            problems.append(
                f"unknown interface endpoint service(s) {unknown}; use names from "
                f"INTERFACE_ENDPOINT_SERVICES, e.g. {sorted(INTERFACE_ENDPOINT_SERVICES)[:6]}"
            )
        if s3_prefix_list_id is not None and not re.match(r"^pl-[0-9a-f]{8,17}$", s3_prefix_list_id):
            problems.append(f"s3_prefix_list_id {s3_prefix_list_id!r} is not a prefix-list id (pl-0123abcd)")
        if vpc is None:
            problems += new_vpc_problems(
                cidr,
                max_azs=max_azs,
                availability_zones=availability_zones,
                subnet_cidr_mask=subnet_cidr_mask,
                reserved_cidrs=reserved_cidrs,
                interface_endpoints=len(services),
            )
        if problems:
            raise ValueError("MlNetwork: " + "; ".join(problems))

    def _new_vpc(
        self,
        cidr: str,
        max_azs: int,
        availability_zones: Sequence[str] | None,
        subnet_cidr_mask: int | None,
    ) -> ec2.Vpc:
        if availability_zones is None and max_azs > 2:
            stack = Stack.of(self)
            if Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region):
                raise ValueError(
                    f"MlNetwork: max_azs={max_azs} in an environment-agnostic stack: CDK can only "
                    "discover 2 AZs without an account and region; pass availability_zones=[...] "
                    "or give the stack an env"
                )
        vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=None if availability_zones else max_azs,
            availability_zones=list(availability_zones) if availability_zones else None,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="ml", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=subnet_cidr_mask
                )
            ],
            restrict_default_security_group=True,
            enable_dns_hostnames=True,  # private DNS of interface endpoints needs both
            enable_dns_support=True,
        )
        self._acknowledge_default_sg_handler()
        return vpc

    def _acknowledge_default_sg_handler(self) -> None:
        # restrict_default_security_group is implemented by a stack-wide singleton Lambda that
        # CloudFormation invokes once per deploy to strip the default group's rules.
        provider = Stack.of(self).node.try_find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider")
        handler = provider.node.try_find_child("Handler") if provider else None
        if handler is None:
            return
        skip_checkov(
            handler,
            "aws-cdk-lib's custom-resource handler that closes the VPC's default security group: "
            "invoked only by CloudFormation during deployment (which receives its errors directly, so "
            "no DLQ), once per deploy (no concurrency limit needed), and it must reach the public EC2 "
            "API, which this isolated VPC cannot.",
            "CKV_AWS_115",
            "CKV_AWS_116",
            "CKV_AWS_117",
        )

    def _warn_default_security_group(self, vpc: ec2.IVpc) -> None:
        # An ec2.Vpc of this app with restrict_default_security_group has CDK's custom resource that strips
        # the group; any other VPC keeps whatever rules its default group has.
        if vpc.node.try_find_child("RestrictDefaultSecurityGroupCustomResource") is None:
            Annotations.of(self).add_warning_v2(
                "secure-ml:imported-vpc-default-sg",
                "MlNetwork cannot remove the rules of the default security group of the VPC "
                f"{vpc.node.path}, which it did not create; make sure it has none (an ec2.Vpc of this app: "
                "restrict_default_security_group=True; AWS Config rule vpc-default-security-group-closed).",
            )

    def _private_subnets_of(self, vpc: ec2.IVpc) -> list[ec2.ISubnet]:
        subnets = list(vpc.isolated_subnets) or list(vpc.private_subnets)
        azs = [s.availability_zone for s in subnets]
        if any(Token.is_unresolved(az) for az in azs):
            Annotations.of(self).add_warning_v2(
                "secure-ml:imported-vpc-azs-unknown",
                f"the AZs of the subnets of the VPC {vpc.node.path} are not known at synth time; make "
                "sure its private subnets span at least 2 AZs",
            )
            distinct = len(subnets)
        else:
            distinct = len(set(azs))
        if len(subnets) < 2 or distinct < 2:
            found = ", ".join(f"{subnet_label(s)} ({_az_label(s)})" for s in subnets) or "none"
            raise ValueError(
                f"MlNetwork: the VPC {vpc.node.path} needs at least 2 private subnets in distinct AZs "
                f"(found: {found}); add isolated or private subnets in a second AZ"
            )
        missing_routes = [subnet_label(s) for s in subnets if not _has_route_table(s)]
        if missing_routes:
            raise ValueError(
                f"MlNetwork: the route tables of subnets {missing_routes} are unknown, so the S3 gateway "
                "endpoint cannot be attached; import the VPC with private_subnet_route_table_ids / "
                "isolated_subnet_route_table_ids"
            )
        return subnets

    def _new_flow_log_key(self) -> kms.Key:
        from cdk_secure_ml.constructs.encryption import allow_cloudwatch_logs

        key = kms.Key(
            self,
            "FlowLogKey",
            description="VPC flow logs",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        allow_cloudwatch_logs(key)
        return key
