#!/usr/bin/env python3
"""A separate CDK app that serves one model with cdk-secure-ml: a team's fraud-scoring endpoint.

It imports only the package's public API (``from cdk_secure_ml import ...``). Run it with
``node_modules/.bin/cdk synth --app ".venv/bin/python examples/model_endpoint/app.py"`` from the
repository root (after ``make setup``).
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_ecr as ecr
from constructs import Construct

from cdk_secure_ml import (
    AutoScalingOptions,
    DataCaptureOptions,
    EncryptionKeys,
    MlNetwork,
    ModelSource,
    RolloutOptions,
    SecureBucket,
    SecureEndpoint,
    add_compliance_packs,
    invocations_target,
)

#: The image CI built, tested and pushed: deploy it by digest, so what was tested is what runs.
SCORER_IMAGE = "sha256:5b1f9c0e7a3d2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d"


class ModelEndpointStack(Stack):
    """An isolated network, keys, the model artifacts and data buckets and one endpoint with data capture, a
    canary rollout and autoscaling from a load test."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        keys = EncryptionKeys(self, "Keys", alias_prefix="team-fraud")
        network = MlNetwork(self, "Network", cidr="10.61.0.0/20", flow_log_key=keys.logs)
        artifacts = SecureBucket(
            self, "Artifacts", encryption_key=keys.artifacts, allowed_vpc_endpoints=[network.s3_endpoint]
        )
        data = SecureBucket(
            self,
            "Data",
            encryption_key=keys.data,
            allowed_vpc_endpoints=[network.s3_endpoint],
            server_access_logs_bucket=artifacts.server_access_logs_bucket,
        )
        self.endpoint = SecureEndpoint(
            self,
            "Scorer",
            endpoint_name="fraud-scorer",
            network=network,
            repository=ecr.Repository.from_repository_name(self, "Repository", "team-fraud/scorer"),
            artifacts_bucket=artifacts.bucket,
            model_source=ModelSource.from_image(SCORER_IMAGE, "fraud/models/scorer/v7/model.tar.gz"),
            volume_key=keys.volumes,
            logs_key=keys.logs,
            autoscaling=AutoScalingOptions(
                max_capacity=6, target_invocations_per_instance=invocations_target(max_rps=8)
            ),
            data_capture=DataCaptureOptions(
                bucket=data.bucket, prefix="fraud/data-capture", sampling_percentage=10
            ),
            rollout=RolloutOptions.canary(10, wait=900),
        )
        # Callers get invoke rights with self.endpoint.grant_invoke(role, only_via_vpc_endpoint=True).


def build_app(app: App | None = None) -> App:
    app = app or App()
    add_compliance_packs(app)
    ModelEndpointStack(app, "FraudModelEndpoint")
    return app


if __name__ == "__main__":
    build_app().synth()
