"""Where an endpoint runs: the network it takes (:class:`EndpointNetwork`), its subnets and security groups.

``SecureEndpoint`` takes ``network=`` any object with the attributes below (``MlNetwork`` is one), or ``vpc``
with ``subnets`` and ``security_groups``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.constructs.network_routes import is_public_subnet, subnet_label
from cdk_secure_ml.constructs.security_group_reach import wire_workload_groups
from cdk_secure_ml.core.problems import Problem
from cdk_secure_ml.policies.acknowledgements import justify_iam_lint


class EndpointNetwork(Protocol):
    """What ``SecureEndpoint`` uses of a network; ``MlNetwork`` is one.

    ``interface_endpoints``: service name -> endpoint; ``grant_invoke(only_via_vpc_endpoint=True)`` looks up
    ``"sagemaker.runtime"``.
    """

    @property
    def vpc(self) -> ec2.IVpc: ...

    @property
    def subnets(self) -> Sequence[ec2.ISubnet]: ...

    @property
    def interface_endpoints(self) -> Mapping[str, ec2.IVpcEndpoint]: ...

    def new_workload_security_group(
        self, scope: Construct, construct_id: str, *, description: str = ...
    ) -> ec2.ISecurityGroup: ...


#: What SageMaker reads to place a model's or a job's network interfaces in the VPC (the execution role's
#: "DescribeNetwork" statement: https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html).
DESCRIBE_NETWORK_ACTIONS: tuple[str, ...] = (
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
)


def subnet_az(subnet: ec2.ISubnet) -> str | None:
    """The subnet's AZ, or None when it is not known at synth time (a token, or an imported subnet)."""
    try:
        az = subnet.availability_zone
    except RuntimeError:  # imported subnet without an AZ
        return None
    return None if az is None or Token.is_unresolved(az) else az


def placement(
    network: EndpointNetwork | None, vpc: ec2.IVpc | None, subnets: Sequence[ec2.ISubnet] | None
) -> tuple[ec2.IVpc | None, list[ec2.ISubnet]]:
    """The VPC and subnets: given, else the network's, else the VPC's isolated (or private) subnets."""
    if network is not None and vpc is None:
        vpc = network.vpc
    if subnets is None:
        if network is not None:
            subnets = list(network.subnets)
        elif vpc is not None:
            subnets = list(vpc.isolated_subnets) or list(vpc.private_subnets)
    return vpc, list(subnets or [])


def endpoint_security_groups(
    scope: Construct,
    *,
    network: EndpointNetwork | None,
    vpc: ec2.IVpc | None,
    security_groups: Sequence[ec2.ISecurityGroup] | None,
    description: str,
) -> list[ec2.ISecurityGroup]:
    """The given groups; else a new workload group of the network; else a new group (id ``SecurityGroup``)
    that allows HTTPS out only: S3 (gateway endpoint), ECR, CloudWatch and KMS (interface endpoints).

    Each group then reaches the interface endpoints on TCP 443: the network's (or the ``MlNetwork`` of
    ``vpc`` in the app) endpoints' group admits it, and a group of this app gets the egress rule; an
    imported group gets a warning (:func:`.security_group_reach.wire_workload_groups`).
    A group of this app in the endpoint's own stack gets a teardown warning (:func:`warn_same_stack`)."""
    groups = _chosen_groups(scope, network=network, vpc=vpc, security_groups=security_groups,
                            description=description)
    wire_workload_groups(scope, groups, vpc=vpc or (network.vpc if network is not None else None),
                         network=network if hasattr(network, "endpoint_security_group") else None)
    warn_same_stack(scope, groups)
    return groups


def warn_same_stack(scope: Construct, groups: Sequence[ec2.ISecurityGroup]) -> None:
    """Warn (id ``secure-ml:endpoint-sg-same-stack``) when a group made in this app lives in the endpoint's
    stack: on ``cdk destroy`` CloudFormation deletes the endpoint, then the group, while SageMaker still
    releases the endpoint's network interfaces, which it does asynchronously; the group's deletion then
    fails with DependencyViolation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html: a group a network
    interface still uses cannot be deleted). docs/hosting.md, "Teardown", gives the order."""
    stack = Stack.of(scope)
    same = [g.node.path for g in groups if isinstance(g, ec2.SecurityGroup) and Stack.of(g) is stack]
    if same:
        Annotations.of(scope).add_warning_v2(
            "secure-ml:endpoint-sg-same-stack",
            f"the security group(s) {', '.join(same)} of endpoint {scope.node.path} are in the endpoint's "
            f"stack {stack.stack_name}: `cdk destroy` of it fails (DependencyViolation) while SageMaker "
            "still releases the endpoint's network interfaces. Put the group in the network's stack "
            "(network.new_workload_security_group(network_stack, ...), security_groups=[...]) or follow "
            "docs/hosting.md, \"Teardown\" (delete the endpoint, wait for its ENIs, then destroy).",
        )


def _chosen_groups(
    scope: Construct,
    *,
    network: EndpointNetwork | None,
    vpc: ec2.IVpc | None,
    security_groups: Sequence[ec2.ISecurityGroup] | None,
    description: str,
) -> list[ec2.ISecurityGroup]:
    if security_groups:
        return list(security_groups)
    if network is not None:
        return [network.new_workload_security_group(scope, "SecurityGroup", description=description)]
    if vpc is None:
        raise ValueError("pass a network, a vpc or security_groups: the endpoint's security group needs "
                         "a VPC")
    group = ec2.SecurityGroup(
        scope,
        "SecurityGroup",
        vpc=vpc,
        allow_all_outbound=False,
        description=description,
    )
    group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS service endpoints")
    return [group]


def public_subnet_problems(
    vpc: ec2.IVpc | None, subnets: Sequence[ec2.ISubnet], *, serverless: bool = False
) -> list[Problem]:
    """One problem (path ``subnets``) when any of ``subnets`` is public: in ``vpc``'s PUBLIC group (an
    imported VPC), or built in this app with a route to an internet gateway. Endpoint instances have no
    public address, but a public subnet's route table still sends their traffic to the internet gateway,
    past the VPC endpoints
    (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.SubnetType.html: a PUBLIC subnet is
    connected to the internet). None for a serverless endpoint (it has no subnets)."""
    public = [] if serverless else [subnet_label(s) for s in subnets if is_public_subnet(vpc, s)]
    if not public:
        return []
    return [(
        ("subnets",),
        f"subnets {public} are public (they route to an internet gateway); place the endpoint on the "
        "platform's isolated subnets: network=MlNetwork(...), or subnets=vpc.isolated_subnets "
        "(ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED))",
    )]
#: Why SML-NET-6 is acknowledged on the models of an endpoint placed in an ``MlNetwork`` of another stack.
CROSS_STACK_AZS_REASON = (
    "The model's subnets are those of an MlNetwork in another stack, so this template holds only "
    "Fn::ImportValue references and SML-NET-6 cannot read their availability zones; MlNetwork has "
    "already verified that they span at least 2 AZs (it refuses fewer)."
)


def acknowledge_cross_stack_azs(
    network: EndpointNetwork | None, subnets: Sequence[ec2.ISubnet], models: Sequence[Construct]
) -> None:
    """Acknowledge SML-NET-6 ("cannot verify" the AZs of imported subnets) on ``models``, and only when
    ``network`` is an ``MlNetwork`` of another stack, the endpoint uses its subnets, and MlNetwork knows
    they span 2 AZs or more: a new VPC (built with at least 2 AZs) or an imported one whose subnet AZs
    were known at synth (distinct ones counted). Any other placement is left for the rule to check."""
    from cdk_secure_ml.constructs.network import MlNetwork
    from cdk_secure_ml.policies.acknowledgements import acknowledge
    from cdk_secure_ml.policies.ids import ack_id

    if not isinstance(network, MlNetwork) or not models or Stack.of(network) is Stack.of(models[0]):
        return
    if {id(subnet) for subnet in subnets} != {id(subnet) for subnet in network.subnets}:
        return  # other subnets chosen by the caller: the rule checks them
    azs = [subnet.availability_zone for subnet in subnets]
    if network.imported and (any(Token.is_unresolved(az) for az in azs) or len(set(azs)) < 2):
        return
    for model in models:
        acknowledge(model, CROSS_STACK_AZS_REASON, ack_id("SML-NET-6"))


#: Why the ENI statement of the execution and monitoring policies is on '*' (parliament RESOURCE_STAR).
ENI_REASON = (
    "SageMaker creates and deletes the ENIs of a VPC endpoint or job with the role's permissions, on "
    "network interfaces it has not created yet, so no interface ARN can be named "
    "(https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html); the ec2:Vpc condition keeps "
    "them in this VPC."
)


def eni_statement(stack: Stack, vpc: ec2.IVpc) -> iam.PolicyStatement:
    """``ManageEnisInThisVpc``: create and delete network interfaces (and their permissions) in ``vpc``."""
    return iam.PolicyStatement(
        sid="ManageEnisInThisVpc",
        resources=["*"],
        actions=[
            "ec2:CreateNetworkInterface",
            "ec2:CreateNetworkInterfacePermission",
            "ec2:DeleteNetworkInterface",
            "ec2:DeleteNetworkInterfacePermission",
        ],
        conditions={
            "ArnEquals": {
                "ec2:Vpc": stack.format_arn(service="ec2", resource="vpc", resource_name=vpc.vpc_id)
            }
        },
    )


def justify_eni_statement(policy: iam.ManagedPolicy) -> None:
    """Justify parliament's RESOURCE_STAR on the :func:`eni_statement` of ``policy`` (iam-lint)."""
    justify_iam_lint(
        policy, ENI_REASON, "RESOURCE_STAR", policy="PolicyDocument/ManageEnisInThisVpc",
        detail="*Unnecessary use of Resource [*]: ec2:CreateNetworkInterface, "
        "ec2:CreateNetworkInterfacePermission, ec2:DeleteNetworkInterface*",
    )
