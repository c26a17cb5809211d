"""MlNetwork: an isolated VPC for ML workloads — no internet gateway, no NAT, VPC endpoints only."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from aws_cdk import Annotations, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs, skip_checkov

#: Interface endpoints a VpcOnly SageMaker Studio domain needs (REQUIREMENTS.md, "Network isolation").
#: Missing sts or logs makes Studio kernels hang.
DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = (
    "sagemaker.api",
    "sagemaker.runtime",
    "notebook",
    "studio",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "ssm",
)

#: Service names accepted in configs and ``extra_interface_endpoints`` → the aws-cdk-lib
#: ``InterfaceVpcEndpointAwsService`` constant. Names are AWS's own endpoint suffixes
#: (``com.amazonaws.<region>.<name>``; ``notebook``/``studio`` are ``aws.sagemaker.<region>.<name>``).
INTERFACE_ENDPOINT_SERVICES: dict[str, str] = {
    "sagemaker.api": "SAGEMAKER_API",
    "sagemaker.runtime": "SAGEMAKER_RUNTIME",
    "notebook": "SAGEMAKER_NOTEBOOK",
    "studio": "SAGEMAKER_STUDIO",
    "sagemaker.featurestore-runtime": "SAGEMAKER_FEATURESTORE_RUNTIME",
    "sagemaker.metrics": "SAGEMAKER_METRICS",
    "sts": "STS",
    "logs": "CLOUDWATCH_LOGS",
    "monitoring": "CLOUDWATCH_MONITORING",
    "events": "EVENTBRIDGE",
    "ecr.api": "ECR",
    "ecr.dkr": "ECR_DOCKER",
    "kms": "KMS",
    "ssm": "SSM",
    "ssmmessages": "SSM_MESSAGES",
    "secretsmanager": "SECRETS_MANAGER",
    "codeartifact.api": "CODEARTIFACT_API",
    "codeartifact.repositories": "CODEARTIFACT_REPOSITORIES",
    "servicecatalog": "SERVICE_CATALOG",
    "codecommit": "CODECOMMIT",
    "git-codecommit": "CODECOMMIT_GIT",
    "codebuild": "CODEBUILD",
    "codepipeline": "CODEPIPELINE",
    "elasticfilesystem": "ELASTIC_FILESYSTEM",
    "glue": "GLUE",
    "athena": "ATHENA",
    "ec2": "EC2",
    "sns": "SNS",
    "sqs": "SQS",
    "states": "STEP_FUNCTIONS",
    "lambda": "LAMBDA",
    "application-autoscaling": "APPLICATION_AUTOSCALING",
    "bedrock-runtime": "BEDROCK_RUNTIME",
}

_VPC_PREFIX_RANGE = (16, 24)


def validate_vpc_cidr(cidr: str, *, reserved_cidrs: Sequence[str] = ()) -> ipaddress.IPv4Network:
    """Check a VPC CIDR: a private IPv4 network between /16 and /24 that overlaps none of ``reserved_cidrs``.

    Raises ``ValueError`` naming the value and the fix; all problems are reported together.
    """
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        hint = ""
        try:
            hint = f"; did you mean {ipaddress.IPv4Network(cidr, strict=False)}?"
        except ValueError:
            hint = "; use a private range such as 10.20.0.0/16"
        raise ValueError(f"VPC CIDR {cidr!r} is not a valid IPv4 network ({exc}){hint}") from None
    problems = []
    low, high = _VPC_PREFIX_RANGE
    if not low <= network.prefixlen <= high:
        problems.append(
            f"VPC CIDR {cidr} has prefix /{network.prefixlen}; use /{low} to /{high} "
            "(room for a subnet per AZ and the interface endpoints)"
        )
    shared = ipaddress.IPv4Network("100.64.0.0/10")
    if not (network.is_private or network.subnet_of(shared)):
        problems.append(f"VPC CIDR {cidr} is not a private range; use RFC 1918 space such as 10.20.0.0/16")
    for other in reserved_cidrs:
        try:
            reserved = ipaddress.IPv4Network(other, strict=False)
        except ValueError:
            problems.append(f"reserved CIDR {other!r} is not a valid IPv4 network")
            continue
        if network.overlaps(reserved):
            problems.append(
                f"VPC CIDR {cidr} overlaps {other}, which is reserved (peered VPC or on-premises); "
                "pick a range outside it"
            )
    if problems:
        raise ValueError("; ".join(problems))
    return network


def _has_route_table(subnet: ec2.ISubnet) -> bool:
    # An imported subnet without a route table id fails jsii serialization when the id is read.
    try:
        return subnet.route_table.route_table_id is not None
    except RuntimeError:
        return False


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

    :param vpc: bring your own VPC instead of creating one. It must have at least 2 private subnets in
        distinct AZs. Endpoints and flow logs are added to it; its default security group cannot be
        changed from here (a warning says so).
    :param cidr: IPv4 range of a new VPC (private, /16 to /24). Default ``10.20.0.0/16``.
    :param max_azs: number of AZs for a new VPC, at least 2 (SageMaker hosting needs 2). In an
        environment-agnostic stack CDK can discover only 2; pass ``availability_zones`` for more.
    :param availability_zones: explicit AZ names for a new VPC (overrides ``max_azs``).
    :param subnet_cidr_mask: prefix length of each subnet; default splits the VPC evenly.
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
        subnet_cidr_mask: int | None = None,
        reserved_cidrs: Sequence[str] = (),
        interface_endpoints: Sequence[str] = DEFAULT_INTERFACE_ENDPOINTS,
        extra_interface_endpoints: Sequence[str] = (),
        dynamodb_gateway_endpoint: bool = False,
        endpoint_access_from_vpc_cidr: bool = False,
        s3_prefix_list_id: str | None = None,
        flow_log_key: kms.IKey | None = None,
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    ) -> None:
        super().__init__(scope, construct_id)
        services = list(dict.fromkeys([*interface_endpoints, *extra_interface_endpoints]))
        self._validate_inputs(
            vpc=vpc,
            cidr=cidr,
            max_azs=max_azs,
            availability_zones=availability_zones,
            subnet_cidr_mask=subnet_cidr_mask,
            reserved_cidrs=reserved_cidrs,
            services=services,
            s3_prefix_list_id=s3_prefix_list_id,
        )
        self._s3_prefix_list_id = s3_prefix_list_id

        if vpc is None:
            self.vpc: ec2.IVpc = self._new_vpc(cidr, max_azs, availability_zones, subnet_cidr_mask)
            self.subnets: list[ec2.ISubnet] = list(self.vpc.isolated_subnets)
            self.imported = False
        else:
            self.vpc = vpc
            self.subnets = self._private_subnets_of(vpc)
            self.imported = True
            Annotations.of(self).add_warning_v2(
                "secure-ml:imported-vpc-default-sg",
                "MlNetwork cannot remove the rules of an imported VPC's default security group; "
                "make sure it has none (AWS Config rule vpc-default-security-group-closed).",
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
                private_dns_enabled=True,
                security_groups=[self.endpoint_security_group],
                subnets=self.subnet_selection,
                # open=True would add 443 from the whole VPC CIDR; access is granted per workload group.
                open=False,
            )

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
        if self._s3_prefix_list_id:
            group.add_egress_rule(
                ec2.Peer.prefix_list(self._s3_prefix_list_id), ec2.Port.tcp(443), "S3 via the gateway endpoint"
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
        return [s.subnet_id for s in self.subnets]

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
    ) -> None:
        problems: list[str] = []
        unknown = [s for s in services if s not in INTERFACE_ENDPOINT_SERVICES]
        if unknown:
            problems.append(
                f"unknown interface endpoint service(s) {unknown}; use names from "
                f"INTERFACE_ENDPOINT_SERVICES, e.g. {sorted(INTERFACE_ENDPOINT_SERVICES)[:6]}"
            )
        if s3_prefix_list_id is not None and not re.match(r"^pl-[0-9a-f]{8,17}$", s3_prefix_list_id):
            problems.append(f"s3_prefix_list_id {s3_prefix_list_id!r} is not a prefix-list id (pl-0123abcd)")
        if vpc is None:
            if availability_zones is not None:
                if len(set(availability_zones)) < 2:
                    problems.append(
                        f"availability_zones {list(availability_zones)} name fewer than 2 distinct AZs; "
                        "SageMaker hosting needs subnets in at least 2"
                    )
            elif max_azs < 2:
                problems.append(f"max_azs is {max_azs}; use at least 2 (SageMaker hosting needs 2 AZs)")
            try:
                network = validate_vpc_cidr(cidr, reserved_cidrs=reserved_cidrs)
            except ValueError as exc:
                problems.append(str(exc))
            else:
                azs = len(availability_zones) if availability_zones else max_azs
                if subnet_cidr_mask is not None:
                    if not network.prefixlen <= subnet_cidr_mask <= 28:
                        problems.append(
                            f"subnet_cidr_mask /{subnet_cidr_mask} does not fit VPC {cidr}; "
                            f"use /{network.prefixlen} to /28"
                        )
                    elif 2 ** (subnet_cidr_mask - network.prefixlen) < azs:
                        problems.append(
                            f"subnet_cidr_mask /{subnet_cidr_mask} leaves room for fewer than {azs} subnets "
                            f"in {cidr}; use a longer mask"
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

    def _private_subnets_of(self, vpc: ec2.IVpc) -> list[ec2.ISubnet]:
        subnets = list(vpc.isolated_subnets) or list(vpc.private_subnets)
        azs = [s.availability_zone for s in subnets]
        if any(Token.is_unresolved(az) for az in azs):
            Annotations.of(self).add_warning_v2(
                "secure-ml:imported-vpc-azs-unknown",
                "the imported VPC's subnet AZs are not known at synth time; make sure its private "
                "subnets span at least 2 AZs",
            )
            distinct = len(subnets)
        else:
            distinct = len(set(azs))
        if len(subnets) < 2 or distinct < 2:
            found = ", ".join(f"{s.subnet_id} ({s.availability_zone})" for s in subnets) or "none"
            raise ValueError(
                f"MlNetwork: the VPC {vpc.vpc_id} needs at least 2 private subnets in distinct AZs "
                f"(found: {found}); add isolated or private subnets in a second AZ"
            )
        missing_routes = [s.subnet_id for s in subnets if not _has_route_table(s)]
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

