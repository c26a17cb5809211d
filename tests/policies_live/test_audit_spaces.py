"""The live audit's Studio space checks (SML-STUDIO-101/102/103) against moto's mock and the emulator's space
stand-ins: a private space with its owner passes; a shared space, an ownerless private space and one larger
than the domain's maximum are findings."""

from __future__ import annotations

import pytest

from cdk_secure_ml.policies.live import run_audit
from cdk_secure_ml.policies.live.spaces import space_problems

from .conftest import REGION


def _storage(maximum: int) -> dict:
    return {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 5, "MaximumEbsVolumeSizeInGb": maximum}}


def _space(sagemaker, domain_id: str, name: str, *, owner: str | None = "alice", sharing: str = "Private",
           size: int = 10) -> None:
    extra = {"OwnershipSettings": {"OwnerUserProfileName": owner}} if owner else {}
    sagemaker.create_space(
        DomainId=domain_id, SpaceName=name, SpaceSharingSettings={"SharingType": sharing},
        SpaceSettings={"AppType": "JupyterLab",
                       "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": size}}},
        **extra)


@pytest.fixture
def spaces(aws):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sagemaker = aws.client("sagemaker")
    domain_id = sagemaker.create_domain(
        DomainName="studio", AuthMode="IAM", AppNetworkAccessType="VpcOnly", VpcId=vpc, SubnetIds=[subnet],
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/exec",
                             "SpaceStorageSettings": _storage(50)},
    )["DomainArn"].rsplit("/", 1)[-1]
    sagemaker.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    _space(sagemaker, domain_id, "alice-jl")
    _space(sagemaker, domain_id, "alice-big", size=40)
    _space(sagemaker, domain_id, "team-shared", owner=None, sharing="Shared")
    _space(sagemaker, domain_id, "nobodys", owner=None)
    # the administrator lowers the maximum after alice-big was made
    sagemaker.update_domain(DomainId=domain_id, DefaultUserSettings={
        "ExecutionRole": "arn:aws:iam::123456789012:role/exec", "SpaceStorageSettings": _storage(20)})
    return domain_id, run_audit(aws, REGION)


def _by(result, rule: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in result.findings:
        if f.rule == rule:
            out.setdefault(f.resource, []).append(f.message)
    return out


@pytest.mark.aws_behaviour("sagemaker.shared-space-runs-as-the-space-role")
def test_a_shared_space_is_an_error(spaces):
    domain_id, result = spaces
    assert _by(result, "SML-STUDIO-101") == {
        f"{domain_id}/team-shared": [
            "the space is Shared: it runs with the domain's space default execution role for every team"]}
    assert all(f.severity == "error" for f in result.findings if f.rule == "SML-STUDIO-101")


@pytest.mark.aws_behaviour("sagemaker.user-settings-apply-to-private-spaces")
def test_a_private_space_without_an_owner_is_an_error(spaces):
    domain_id, result = spaces
    assert _by(result, "SML-STUDIO-102") == {
        f"{domain_id}/nobodys": ["the private space has no owner user profile"]}


@pytest.mark.aws_behaviour("sagemaker.space-ebs-within-domain-maximum")
def test_a_space_above_the_domains_maximum_is_a_warning(spaces):
    domain_id, result = spaces
    assert _by(result, "SML-STUDIO-103") == {
        f"{domain_id}/alice-big": ["EbsVolumeSizeInGb is 40, above the domain's MaximumEbsVolumeSizeInGb 20"]}
    assert {f.severity for f in result.findings if f.rule == "SML-STUDIO-103"} == {"warning"}


def test_the_owned_private_space_passes_every_check(spaces):
    domain_id, result = spaces
    assert not [f for f in result.findings if f.resource == f"{domain_id}/alice-jl"]


def test_space_problems_reads_a_shared_spaces_maximum_from_the_space_settings():
    domain = {"DefaultSpaceSettings": {"SpaceStorageSettings": _storage(8)}}
    space = {"SpaceSharingSettings": {"SharingType": "Shared"},
             "SpaceSettings": {"SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 9}}}}
    problems = space_problems(space, domain)
    assert problems["SML-STUDIO-103"] == [
        "EbsVolumeSizeInGb is 9, above the domain's MaximumEbsVolumeSizeInGb 8"]
    assert problems["SML-STUDIO-102"] == [""]
