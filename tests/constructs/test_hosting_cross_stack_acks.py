"""SecureEndpoint acknowledges SML-NET-6 itself when it takes an MlNetwork of another stack, and only then
(newcomer report finding 20): everywhere else the rule checks the subnets."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.hosting import ModelSource, SecureEndpoint
from cdk_secure_ml.constructs.hosting.network import CROSS_STACK_AZS_REASON
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.policies import runner
from cdk_secure_ml.policies.template import Template as SmlTemplate
from tests.conftest import new_app

DIGEST = "sha256:" + "c" * 64


def _endpoint(stack: Stack, network, **kwargs) -> SecureEndpoint:
    bucket = SecureBucket(stack, "Models")
    repository = ecr.Repository.from_repository_name(stack, "Repo", "team/model")
    return SecureEndpoint(stack, "Ep", endpoint_name="ep", artifacts_bucket=bucket.bucket,
                          model_source=ModelSource.from_image(DIGEST, "m/model.tar.gz"),
                          repository=repository, network=network, **kwargs)


@pytest.fixture(scope="module")
def models() -> dict[str, list[dict]]:
    """The Model resources of four placements, in one app (every subnet list the construct cannot vouch
    for is refused earlier by SecureEndpoint itself: fewer than 2 subnets or AZs)."""
    app = new_app()
    home = Stack(app, "Home")
    net = MlNetwork(home, "Net")
    _endpoint(home, net)  # same stack: the rule reads the subnets' AZs in the template
    cross = Stack(app, "Cross")
    _endpoint(cross, net)  # another stack, the network's own subnets: acknowledged
    picked = Stack(app, "Picked")
    _endpoint(picked, net, subnets=[net.subnets[1], net.subnets[0]])  # the same ones, in another order
    plain = Stack(app, "Plain")
    vpc = ec2.Vpc(home, "PlainVpc", max_azs=2, nat_gateways=0,
                  subnet_configuration=[
                      ec2.SubnetConfiguration(name="i", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])
    _endpoint(plain, None, vpc=vpc)  # a VPC, not an MlNetwork
    return {name: list(Template.from_stack(stack).find_resources("AWS::SageMaker::Model").values())
            for name, stack in {"home": home, "cross": cross, "picked": picked, "plain": plain}.items()}


def _acks(model: dict) -> list[dict]:
    return model.get("Metadata", {}).get("cdk_secure_ml", {}).get("acknowledge", [])


@pytest.mark.parametrize("placement", ["cross", "picked"])
def test_mlnetwork_of_another_stack_acknowledges_sml_net_6_with_the_reason(models, placement) -> None:
    (model,) = models[placement]
    assert _acks(model) == [{"rule": "SML-NET-6", "reason": CROSS_STACK_AZS_REASON}]
    assert "Fn::ImportValue" in json.dumps(model["Properties"]["VpcConfig"]["Subnets"])
    # and the rule's "cannot verify" warning is acknowledged in the template alone
    data = {"Resources": {"M": model}}
    report = runner.check_templates([SmlTemplate(data, "t.json")])
    assert [f.rule for f in report.findings if f.rule == "SML-NET-6"] == []
    assert [f.rule for f in report.acknowledged] == ["SML-NET-6"]


@pytest.mark.parametrize("placement", ["home", "plain"])
def test_nothing_is_acknowledged_elsewhere(models, placement) -> None:
    (model,) = models[placement]
    assert _acks(model) == []
