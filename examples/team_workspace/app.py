#!/usr/bin/env python3
"""A separate CDK app that uses cdk-secure-ml as a library: one team's isolated workspace.

It imports only the package's public API (``from cdk_secure_ml import ...``). Run it with
``node_modules/.bin/cdk synth --app ".venv/bin/python examples/team_workspace/app.py"`` from the
repository root (after ``make setup``).
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from constructs import Construct

from cdk_secure_ml import EncryptionKeys, MlNetwork, SecureBucket, add_compliance_packs


class TeamWorkspaceStack(Stack):
    """Network, keys and a feature bucket reachable only through the team VPC's S3 endpoint."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        keys = EncryptionKeys(self, "Keys", alias_prefix="team-fraud")
        network = MlNetwork(self, "Network", cidr="10.60.0.0/20", flow_log_key=keys.logs,
                            extra_interface_endpoints=["sagemaker.featurestore-runtime"])
        self.features = SecureBucket(
            self, "Features", encryption_key=keys.data, allowed_vpc_endpoints=[network.s3_endpoint],
            object_lock_retention=Duration.days(90),
        )


def build_app(app: App | None = None) -> App:
    app = app or App()
    add_compliance_packs(app)
    TeamWorkspaceStack(app, "FraudTeamWorkspace")
    return app


if __name__ == "__main__":
    build_app().synth()
