"""Studio teardown (cdk_secure_ml.teardown) against the emulator's SageMaker, which refuses a delete out of
SageMaker's order."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.teardown import teardown_studio_domain

from .conftest import REGION


@pytest.fixture
def domain(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{REGION}a")["Subnet"][
        "SubnetId"
    ]
    sagemaker = aws("sagemaker")
    arns = {
        name: sagemaker.create_studio_lifecycle_config(
            StudioLifecycleConfigName=name,
            StudioLifecycleConfigContent="ZWNobw==",
            StudioLifecycleConfigAppType="JupyterLab",
        )["StudioLifecycleConfigArn"]
        for name in ("domain-jl", "team-jl")
    }
    domain_id = sagemaker.create_domain(
        DomainName="studio",
        AuthMode="IAM",
        VpcId=vpc,
        SubnetIds=[subnet],
        DefaultUserSettings={
            "ExecutionRole": "arn:aws:iam::123456789012:role/x",
            "JupyterLabAppSettings": {
                "LifecycleConfigArns": [arns["domain-jl"]],
                "DefaultResourceSpec": {"LifecycleConfigArn": arns["domain-jl"]},
            },
        },
    )["DomainArn"].rsplit("/", 1)[1]
    for name in ("alice", "bob"):
        sagemaker.create_user_profile(
            DomainId=domain_id,
            UserProfileName=name,
            UserSettings={"JupyterLabAppSettings": {"LifecycleConfigArns": [arns["team-jl"]]}},
        )
    sagemaker.create_space(
        DomainId=domain_id,
        SpaceName="alice-lab",
        OwnershipSettings={"OwnerUserProfileName": "alice"},
        SpaceSharingSettings={"SharingType": "Private"},
    )
    sagemaker.create_app(DomainId=domain_id, SpaceName="alice-lab", AppType="JupyterLab", AppName="default")
    return sagemaker, domain_id


@pytest.mark.aws_behaviour("sagemaker.delete-domain-needs-no-members")
def test_a_domain_with_profiles_cannot_be_deleted(domain):
    sagemaker, domain_id = domain
    with pytest.raises(ClientError, match=r"ResourceInUse.*still has user profiles \['alice', 'bob'\]"):
        sagemaker.delete_domain(DomainId=domain_id)


@pytest.mark.aws_behaviour("sagemaker.delete-user-profile-needs-no-apps")
def test_a_profile_with_a_space_or_a_space_with_an_app_cannot_be_deleted(domain):
    sagemaker, domain_id = domain
    with pytest.raises(ClientError, match=r"ResourceInUse.*alice.*spaces \['alice-lab'\]"):
        sagemaker.delete_user_profile(DomainId=domain_id, UserProfileName="alice")
    with pytest.raises(ClientError, match=r"ResourceInUse.*JupyterLab/default"):
        sagemaker.delete_space(DomainId=domain_id, SpaceName="alice-lab")
    sagemaker.delete_user_profile(DomainId=domain_id, UserProfileName="bob")  # nothing of bob's runs


def test_without_confirm_the_teardown_only_plans(domain):
    sagemaker, domain_id = domain
    report = teardown_studio_domain(sagemaker, domain_id)
    assert report.apps == ["alice-lab/JupyterLab/default"]
    assert report.spaces == ["alice-lab"] and sorted(report.user_profiles) == ["alice", "bob"]
    assert report.done is False and report.lines()[0].startswith("would delete 1 app(s)")
    assert report.lifecycle_configs == ["domain-jl", "team-jl"]
    assert len(sagemaker.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]) == 2


@pytest.mark.aws_behaviour(
    "sagemaker.delete-domain-needs-no-members",
    "sagemaker.delete-user-profile-needs-no-apps",
    "sagemaker.delete-domain-home-efs-retention",
)
def test_the_teardown_deletes_in_the_order_sagemaker_accepts(domain):
    sagemaker, domain_id = domain
    report = teardown_studio_domain(
        sagemaker, domain_id, delete_home_efs=True, confirm=True, interval=0.01, timeout=5
    )
    assert report.done
    assert sagemaker.list_spaces(DomainIdEquals=domain_id)["Spaces"] == []
    assert sagemaker.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"] == []
    assert sagemaker.list_domains()["Domains"] == []
    assert [a["Status"] for a in sagemaker.list_apps(DomainIdEquals=domain_id)["Apps"]] == ["Deleted"]
    # The retained lifecycle configs go last: their content-derived names would block a later deploy.
    assert report.lifecycle_configs == ["domain-jl", "team-jl"]
    assert sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"] == []


def test_the_cli_plans_then_deletes_with_yes(domain, capsys):
    from cdk_secure_ml.cli import main

    sagemaker, domain_id = domain
    assert main(["teardown-studio", "--domain-id", domain_id, "--region", REGION]) == 0
    out = capsys.readouterr().out
    assert "would delete 2 user profile(s)" in out and "nothing deleted: run again with --yes" in out
    assert len(sagemaker.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]) == 2
    assert main(["teardown-studio", "--domain-id", domain_id, "--region", REGION, "--yes"]) == 0
    out = capsys.readouterr().out
    assert (
        f"deleted domain {domain_id}; home EFS" in out
        and "RETAINED" in out
        and "back up and delete EFS" in out
    )
    assert sagemaker.list_domains()["Domains"] == []
    assert main(["teardown-studio", "--domain-id", domain_id, "--region", REGION]) == 1  # gone now


def test_the_cli_needs_a_domain(capsys):
    from cdk_secure_ml.cli import main

    assert main(["teardown-studio"]) == 2
    assert "--domain-id" in capsys.readouterr().err
