"""EndpointHubStack: the shared-services VPC of the hub layout, in the hub's account (docs/network.md)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Environment, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.constructs.endpoint_hub import MlEndpointHub
from cdk_secure_ml.constructs.identity import PlatformPermissionsBoundary
from cdk_secure_ml.stacks.foundation import retention_days

__all__ = ["EndpointHubStack"]


class EndpointHubStack(Stack):
    """The interface endpoints of ``config`` once, for every spoke of ``network.hub``.

    Deployed to ``network.hub.account`` in the hub's region (``cdk deploy <name>-EndpointHub``, before
    the spokes); its outputs ``TransitGatewayId`` and ``Route53ProfileId`` go into
    ``network.hub.transit_gateway_id`` and ``route53_profile_id``.

    :raises ValueError: when the config has no ``network.hub``.

    Attributes:

    - ``hub`` (``MlEndpointHub``).
    - ``permissions_boundary`` (``PlatformPermissionsBoundary``).
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs: Any) -> None:
        hub = config.network.hub
        if hub is None:
            raise ValueError("EndpointHubStack needs network.hub (interface_endpoints: {mode: hub})")
        region = hub.region or config.region
        kwargs.setdefault("env", Environment(account=hub.account, region=region))
        super().__init__(scope, construct_id, **kwargs)
        # An explicit environment makes ec2.Vpc check its AZs against the account's: give CDK the
        # configured zones (as cdk.context.json would), so synthesis never looks them up.
        self.node.set_context(f"availability-zones:account={hub.account}:region={region}", hub.zones(region))
        endpoint_policy = config.network.endpoint_policy
        self.hub = MlEndpointHub(
            self,
            "EndpointHub",
            platform=config.name,
            spokes={spoke.account: spoke.cidr for spoke in hub.spokes},
            cidr=hub.cidr,
            availability_zones=hub.zones(region),
            interface_endpoints=config.network.interface_endpoints.services(),
            organization_id=endpoint_policy.organization_id,
            trusted_accounts=endpoint_policy.trusted_accounts,
            flow_log_retention=retention_days(config.network.flow_logs_retention_days),
        )
        # Its roles (the flow log's, CDK's default-security-group handler's) live under the platform's
        # ceiling.
        self.permissions_boundary = PlatformPermissionsBoundary(
            self, "PermissionsBoundary", platform=config.name
        )
        iam.PermissionsBoundary.of(self).apply(self.permissions_boundary.policy)
        CfnOutput(self, "TransitGatewayId", value=self.hub.transit_gateway_id,
                  description="network.hub.transit_gateway_id of the spokes")
        CfnOutput(self, "Route53ProfileId", value=self.hub.route53_profile_id,
                  description="network.hub.route53_profile_id of the spokes")
        CfnOutput(self, "VpcId", value=self.hub.network.vpc.vpc_id)
