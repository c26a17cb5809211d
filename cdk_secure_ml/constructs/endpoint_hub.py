"""The hub layout: interface endpoints once in a shared-services VPC (:class:`MlEndpointHub`), reached
from the platform VPCs (:class:`EndpointHubSpoke`) over a transit gateway, their names resolved through
a Route 53 Profile.

The pattern is AWS's centralised interface endpoints
(https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html):
private DNS off on the hub's endpoints, one private hosted zone per service name with an alias to the
endpoint, the zones given to the spokes. The zones reach the spokes' accounts in a Route 53 Profile
shared by AWS RAM, which each spoke associates with its VPC
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html): every piece is a
CloudFormation resource, where associating a zone with another account's VPC would need a
CreateVPCAssociationAuthorization call per VPC that CloudFormation has no resource for
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html).
See :mod:`cdk_secure_ml.core.endpoint_hub` for the facts and docs/network.md ("Hub layout").
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, CfnTag, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ram as ram
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_route53profiles as route53profiles
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.core.endpoint_hub import (
    HUB_CIDR_TAG,
    WILDCARD_DNS_SERVICES,
    hub_cidr_problems,
    private_dns_name,
    unsupported_hub_services,
)
from cdk_secure_ml.core.network import DEFAULT_INTERFACE_ENDPOINTS
from cdk_secure_ml.policies.acknowledgements import acknowledge_sdk_call_handler

__all__ = ["EndpointHubSpoke", "MlEndpointHub"]


class MlEndpointHub(Construct):
    """The shared-services VPC of the hub layout: the interface endpoints, once, for several accounts.

    Creates an isolated :class:`MlNetwork` (``Network``) whose interface endpoints have private DNS off
    and admit, by their endpoint policies, the principals of this account, of every spoke account and
    of ``organization_id``; one Route 53 private hosted zone per service name with an alias record (and
    a wildcard record where clients call sub-domains) to the endpoint; a Route 53 Profile holding the
    zones; a transit gateway that accepts the spokes' attachments without a manual step, in two routing
    domains (``SpokesRouteTable``: the spokes' attachments, routes to the hub only; ``HubRouteTable``:
    the hub's attachment, routes to every spoke; set as the gateway's defaults by one
    ``ModifyTransitGateway`` call, ``DefaultRouteTables``), attached to the hub VPC with routes to every
    spoke range; and one AWS RAM share of the transit gateway and the
    Profile with the spoke accounts. The endpoint security group admits 443 from the spoke ranges.

    The spokes need the ids of the transit gateway and the Profile (:attr:`transit_gateway_id`,
    :attr:`route53_profile_id`; the hub stack outputs them): deploy the hub first.

    :param platform: the platform name: names the Profile and the share.
    :param cidr: the hub VPC's IPv4 range (private, /16 to /24). Default ``10.0.0.0/22``.
    :param availability_zones: the hub's AZ names (at least 2).
    :param spokes: spoke account id → spoke VPC range. The ranges must overlap neither the hub's nor
        each other's (transit gateway routes by range).
    :param interface_endpoints: the services served; default :data:`DEFAULT_INTERFACE_ENDPOINTS`. Each
        needs a known private DNS name (:data:`cdk_secure_ml.core.endpoint_hub.PRIVATE_DNS_NAMES`).
    :param organization_id: also admit the organization's principals in the endpoint policies.
    :param trusted_accounts: other accounts whose principals the endpoint policies admit.
    :param flow_log_key: KMS key of the flow-log group (default: a dedicated key).
    :param flow_log_retention: retention of the flow-log group. Default one year.
    :raises ValueError: naming the unsupported services, the overlapping ranges, or an unknown region.

    Attributes:

    - ``spokes`` (``dict[str, str]``): spoke account id -> spoke VPC range, as given.
    - ``network`` (``MlNetwork``): the hub VPC and its interface endpoints (private DNS off).
    - ``share`` (``ram.CfnResourceShare``): the RAM share of the transit gateway and the Profile.
    - ``transit_gateway`` (``ec2.CfnTransitGateway``), ``transit_gateway_id`` (``str``) and
      ``transit_gateway_arn`` (``str``).
    - ``spokes_route_table`` and ``hub_route_table`` (``ec2.CfnTransitGatewayRouteTable``): the two routing
      domains; ``default_route_tables`` (``custom_resources.AwsCustomResource``): the ``ModifyTransitGateway``
      call that makes them the gateway's default association and propagation tables.
    - ``profile`` (``route53profiles.CfnProfile``) and ``route53_profile_id`` (``str``): the Route 53 Profile
      holding the zones.
    - ``zones`` (``dict[str, route53.PrivateHostedZone]``): service name -> its private hosted zone.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        spokes: dict[str, str],
        cidr: str = "10.0.0.0/22",
        availability_zones: Sequence[str] | None = None,
        interface_endpoints: Sequence[str] = DEFAULT_INTERFACE_ENDPOINTS,
        organization_id: str | None = None,
        trusted_accounts: Sequence[str] = (),
        flow_log_key: kms.IKey | None = None,
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        problems = [f"{account}: {message}" for account, message in hub_cidr_problems(cidr, spokes)]
        unsupported = unsupported_hub_services(interface_endpoints)
        if unsupported:
            problems.append(f"no known private DNS name for {unsupported}; add them to "
                            "cdk_secure_ml.core.endpoint_hub.PRIVATE_DNS_NAMES")
        if Token.is_unresolved(stack.region):
            problems.append("the hub's stack needs an explicit region: the private hosted zones are named "
                            "after the region's service names")
        if problems:
            raise ValueError("MlEndpointHub: " + "; ".join(problems))
        self.spokes = dict(spokes)
        self.network = MlNetwork(
            self,
            "Network",
            cidr=cidr,
            availability_zones=list(availability_zones) if availability_zones else None,
            interface_endpoints=interface_endpoints,
            # The zones below take the place of the endpoints' own private DNS, which would answer only
            # inside this VPC.
            private_dns_enabled=False,
            organization_id=organization_id,
            # A hub endpoint serves the spokes' principals as well as this account's.
            trusted_accounts=[*spokes, *trusted_accounts],
            flow_log_key=flow_log_key,
            flow_log_retention=flow_log_retention,
        )
        for account, spoke_cidr in spokes.items():
            self.network.endpoint_security_group.add_ingress_rule(
                ec2.Peer.ipv4(spoke_cidr), ec2.Port.tcp(443), f"HTTPS from the spoke VPC of {account}"
            )
        self._transit_gateway(platform)
        self._zones(platform, stack.region)
        self.share = ram.CfnResourceShare(
            self,
            "Share",
            name=f"{platform}-endpoint-hub",
            resource_arns=[self.transit_gateway_arn, self.profile.attr_arn],
            principals=list(spokes),
            # Only accounts of the same organization (RAM sharing with AWS Organizations turned on).
            allow_external_principals=False,
        )

    def _transit_gateway(self, platform: str) -> None:
        """The transit gateway in two routing domains (segmenting by route table, as AWS describes it,
        https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html): the spokes' attachments are
        associated with the ``spokes`` route table, which holds only the hub's range, and propagate their
        ranges into the ``hub`` route table, which the hub's attachment is associated with.
        No spoke can reach another spoke through the transit gateway, whatever its own route tables say.

        CloudFormation cannot name the two tables as the gateway's defaults in one template (a route
        table needs the gateway's id: a cycle), so the gateway is created with default association and
        propagation off (AWS then makes no default route table of its own,
        https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html) and, once the hub's
        attachment is associated, one ``ModifyTransitGateway`` call (an aws-cdk-lib AwsCustomResource)
        turns both on, pointed at our tables
        (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGatewayOptions.html): the
        spoke accounts' attachments, accepted automatically, land in the right tables without a step in
        the hub account.
        """
        stack = Stack.of(self)
        self.transit_gateway = ec2.CfnTransitGateway(
            self,
            "TransitGateway",
            description=f"{platform}: spokes to the shared interface endpoints",
            # Spoke accounts attach their VPCs without the hub account accepting each attachment.
            auto_accept_shared_attachments="enable",
            # Off until DefaultRouteTables below points them at the spokes and hub tables; the hub's own
            # attachment, made meanwhile, is associated only where this construct says.
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            dns_support="enable",
        )
        self.transit_gateway_id: str = self.transit_gateway.ref
        self.transit_gateway_arn = (
            f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:transit-gateway/{self.transit_gateway.ref}"
        )
        self.spokes_route_table = ec2.CfnTransitGatewayRouteTable(
            self, "SpokesRouteTable", transit_gateway_id=self.transit_gateway.ref,
            tags=[CfnTag(key="Name", value=f"{platform}-endpoint-hub-spokes")],
        )
        self.hub_route_table = ec2.CfnTransitGatewayRouteTable(
            self, "HubRouteTable", transit_gateway_id=self.transit_gateway.ref,
            tags=[CfnTag(key="Name", value=f"{platform}-endpoint-hub-hub")],
        )
        attachment = ec2.CfnTransitGatewayAttachment(
            self,
            "Attachment",
            transit_gateway_id=self.transit_gateway.ref,
            vpc_id=self.network.vpc.vpc_id,
            subnet_ids=self.network.subnet_ids,
        )
        association = ec2.CfnTransitGatewayRouteTableAssociation(
            self, "HubAssociation", transit_gateway_attachment_id=attachment.ref,
            transit_gateway_route_table_id=self.hub_route_table.ref,
        )
        # The hub's range is the one route of the spokes table.
        propagation = ec2.CfnTransitGatewayRouteTablePropagation(
            self, "HubPropagation", transit_gateway_attachment_id=attachment.ref,
            transit_gateway_route_table_id=self.spokes_route_table.ref,
        )
        self.default_route_tables = self._default_route_tables()
        self.default_route_tables.node.add_dependency(association, propagation)
        for index, subnet in enumerate(self.network.subnets):
            for account, spoke_cidr in self.spokes.items():
                route = ec2.CfnRoute(
                    self,
                    f"RouteToSpoke{account}Subnet{index}",
                    route_table_id=subnet.route_table.route_table_id,
                    destination_cidr_block=spoke_cidr,
                    transit_gateway_id=self.transit_gateway.ref,
                )
                route.node.add_dependency(attachment)

    def _default_route_tables(self) -> cr.AwsCustomResource:
        """The ``ModifyTransitGateway`` call that makes the spokes table the default association table
        and the hub table the default propagation table."""
        call = cr.AwsSdkCall(
            service="EC2",
            action="modifyTransitGateway",
            parameters={
                "TransitGatewayId": self.transit_gateway.ref,
                "Options": {
                    "DefaultRouteTableAssociation": "enable",
                    "AssociationDefaultRouteTableId": self.spokes_route_table.ref,
                    "DefaultRouteTablePropagation": "enable",
                    "PropagationDefaultRouteTableId": self.hub_route_table.ref,
                },
            },
            physical_resource_id=cr.PhysicalResourceId.of(self.transit_gateway.ref),
        )
        # A route table that is a default association or propagation table cannot be deleted
        # (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTransitGatewayRouteTable.html):
        # on delete the defaults are turned off again, before the tables go.
        release = cr.AwsSdkCall(
            service="EC2",
            action="modifyTransitGateway",
            parameters={
                "TransitGatewayId": self.transit_gateway.ref,
                "Options": {
                    "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable",
                },
            },
        )
        stack = Stack.of(self)
        tables = [
            f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:transit-gateway-route-table/{table.ref}"
            for table in (self.spokes_route_table, self.hub_route_table)
        ]
        resource = cr.AwsCustomResource(
            self,
            "DefaultRouteTables",
            on_create=call,
            on_update=call,
            on_delete=release,
            # ModifyTransitGateway is authorized on the gateway and on the route tables it names
            # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                actions=["ec2:ModifyTransitGateway"], resources=[self.transit_gateway_arn, *tables],
            )]),
            install_latest_aws_sdk=False,
            # Its handler's log, encrypted with the hub network's flow-log key (SML-ENC-13).
            log_group=logs.LogGroup(
                self, "DefaultRouteTablesLog", encryption_key=self.network.flow_log_key,
                retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.RETAIN,
            ),
        )
        acknowledge_sdk_call_handler(resource, _SDK_CALL_HANDLER)
        return resource

    def _zones(self, platform: str, region: str) -> None:
        self.profile = route53profiles.CfnProfile(self, "Route53Profile", name=f"{platform}-endpoint-hub")
        self.route53_profile_id: str = self.profile.attr_id
        self.zones: dict[str, route53.PrivateHostedZone] = {}
        for service, endpoint in self.network.interface_endpoints.items():
            name = private_dns_name(service, region)
            zone_id = pascal_case(service) + "Zone"
            zone = route53.PrivateHostedZone(self, zone_id, zone_name=name, vpc=self.network.vpc)
            target = route53.RecordTarget.from_alias(route53_targets.InterfaceVpcEndpointTarget(endpoint))
            route53.ARecord(zone, "Alias", zone=zone, target=target)
            if service in WILDCARD_DNS_SERVICES:
                route53.ARecord(zone, "WildcardAlias", zone=zone, record_name=f"*.{name}", target=target)
            route53profiles.CfnProfileResourceAssociation(
                zone,
                "ProfileAssociation",
                name=f"{platform}-{service}".replace(".", "-")[:64],
                profile_id=self.profile.attr_id,
                resource_arn=zone.hosted_zone_arn,
            )
            self.zones[service] = zone


_SDK_CALL_HANDLER = (
    "aws-cdk-lib's AwsCustomResource handler, which makes one ModifyTransitGateway call when CloudFormation "
    "creates or updates the hub (it cannot be expressed as a CloudFormation property: a cycle): invoked only "
    "by CloudFormation, which receives its errors (no DLQ), once per deploy (no concurrency limit), outside "
    "the hub VPC because it calls the public EC2 API, which the isolated hub VPC has no endpoint for; its "
    "role has the basic execution policy (its own log) and an inline policy of one action on this one "
    "transit gateway."
)



class EndpointHubSpoke(Construct):
    """A platform VPC's side of the hub layout: its attachment to the hub's transit gateway, a route to
    the hub's range on every subnet, and the association of the hub's Route 53 Profile with the VPC.

    The network itself (:class:`MlNetwork` with no interface endpoints and ``endpoint_hub_cidr`` set)
    keeps the free gateway endpoints; the workload groups it makes may send 443 to the hub.

    :param network: the spoke's network.
    :param hub_cidr: the hub VPC's range.
    :param transit_gateway_id: the hub's transit gateway (``tgw-...``, shared with this account by RAM).
        None: no attachment and no routes yet (a synth warning says so).
    :param route53_profile_id: the hub's Route 53 Profile (``rp-...``). None: no association; the
        spoke cannot resolve the endpoints' names (a synth warning says so).
    :param name: the name of the Profile association.

    Attributes:

    - ``attachment`` (``ec2.CfnTransitGatewayAttachment | None``): the attachment, None without a
      ``transit_gateway_id``.
    - ``profile_association`` (``route53profiles.CfnProfileAssociation | None``): None without a
      ``route53_profile_id``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: MlNetwork,
        hub_cidr: str,
        transit_gateway_id: str | None,
        route53_profile_id: str | None,
        name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.attachment: ec2.CfnTransitGatewayAttachment | None = None
        if transit_gateway_id:
            self.attachment = ec2.CfnTransitGatewayAttachment(
                self,
                "Attachment",
                transit_gateway_id=transit_gateway_id,
                vpc_id=network.vpc.vpc_id,
                subnet_ids=network.subnet_ids,
                # Names the hub's range for SML-NET-17 and the live audit.
                tags=[CfnTag(key=HUB_CIDR_TAG, value=hub_cidr)],
            )
            for index, subnet in enumerate(network.subnets):
                route = ec2.CfnRoute(
                    self,
                    f"RouteToHubSubnet{index}",
                    route_table_id=subnet.route_table.route_table_id,
                    destination_cidr_block=hub_cidr,
                    transit_gateway_id=transit_gateway_id,
                )
                route.node.add_dependency(self.attachment)
        else:
            Annotations.of(self).add_warning_v2(
                "secure-ml:hub-no-transit-gateway",
                "no network.hub.transit_gateway_id: this spoke VPC is not attached to the hub and cannot "
                "reach the interface endpoints; deploy the hub stack and set its TransitGatewayId output",
            )
        self.profile_association: route53profiles.CfnProfileAssociation | None = None
        if route53_profile_id:
            self.profile_association = route53profiles.CfnProfileAssociation(
                self, "ProfileAssociation", name=name, profile_id=route53_profile_id,
                resource_id=network.vpc.vpc_id,
            )
        else:
            Annotations.of(self).add_warning_v2(
                "secure-ml:hub-no-route53-profile",
                "no network.hub.route53_profile_id: this spoke VPC cannot resolve the hub's endpoints; "
                "deploy the hub stack and set its Route53ProfileId output",
            )
