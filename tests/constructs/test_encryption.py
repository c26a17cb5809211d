"""EncryptionKeys: one rotated, retained, aliased key per data class; the logs key admits CloudWatch Logs."""

from __future__ import annotations

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from cdk_secure_ml.constructs.encryption import DEFAULT_DATA_CLASSES, EncryptionKeys
from tests.conftest import new_app


def test_one_key_per_data_class_with_rotation_alias_retain(lab):
    t = lab.template("KeysDefaults")
    t.resource_count_is("AWS::KMS::Key", 4)
    for key in t.find_resources("AWS::KMS::Key").values():
        assert key["Properties"]["EnableKeyRotation"] is True
        assert key["Properties"]["PendingWindowInDays"] == 30
        assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    aliases = sorted(a["Properties"]["AliasName"] for a in t.find_resources("AWS::KMS::Alias").values())
    assert aliases == [f"alias/team-a/{c}" for c in sorted(DEFAULT_DATA_CLASSES)]
    keys = lab.objects["keys"]
    assert set(keys.keys) == set(DEFAULT_DATA_CLASSES)
    assert len({id(k) for k in keys.keys.values()}) == 4
    assert keys.data is keys.key_for("data") and keys.logs is keys.key_for("logs")


def _statements(key_resource):
    return key_resource["Properties"]["KeyPolicy"]["Statement"]


def test_key_policies_admit_only_the_account_and_logs_service(lab):
    t = lab.template("KeysDefaults")
    stack = lab.stacks["KeysDefaults"]
    keys = lab.objects["keys"]
    logs_id = stack.get_logical_id(keys.logs.node.default_child)
    for logical_id, key in t.find_resources("AWS::KMS::Key").items():
        statements = _statements(key)
        root = statements[0]
        assert root["Action"] == "kms:*"
        assert root["Principal"] == {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::",
                                                               {"Ref": "AWS::AccountId"}, ":root"]]}}
        if logical_id == logs_id:
            assert len(statements) == 2
            logs = statements[1]
            assert logs["Principal"] == {"Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"},
                                                                        ".amazonaws.com"]]}}
            assert "kms:Decrypt*" in logs["Action"] and "kms:GenerateDataKey*" in logs["Action"]
            assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == {
                "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":",
                                  {"Ref": "AWS::AccountId"}, ":log-group:*"]]
            }
        else:
            assert len(statements) == 1, f"{logical_id} must admit nobody but the account"


def test_shared_key_serves_every_class(lab):
    t = lab.template("KeysShared")
    t.resource_count_is("AWS::KMS::Key", 1)
    t.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/secure-ml/shared"})
    keys = lab.objects["keys_shared"]
    assert keys.data is keys.logs
    key = next(iter(t.find_resources("AWS::KMS::Key").values()))
    assert len(_statements(key)) == 2  # the shared key also serves logs


def test_pending_window_removal_policy_and_custom_class(lab):
    t = lab.template("Extras")
    keys = lab.objects["keys_extras"]
    assert list(keys.keys) == ["features"]
    key_id = lab.stacks["Extras"].get_logical_id(keys.key_for("features").node.default_child)
    key = t.find_resources("AWS::KMS::Key")[key_id]
    assert key["Properties"]["PendingWindowInDays"] == 7
    assert key["DeletionPolicy"] == "Delete"
    assert key["Properties"]["Description"] == "ML features"
    t.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/secure-ml/features"})
    assert len(key["Properties"]["KeyPolicy"]["Statement"]) == 1  # no logs class: no service statement


def test_grant_helpers_scope_to_the_class_key():
    stack = Stack(new_app(), "S")
    keys = EncryptionKeys(stack, "Keys")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    keys.grant_decrypt(role, "data")
    keys.grant_encrypt_decrypt(role, "artifacts")
    keys.grant_encrypt(role, "volumes")
    service_grant = keys.grant_to_service("artifacts", "cloudwatch.amazonaws.com")
    assert isinstance(service_grant, iam.Grant) and service_grant.success
    assert [
        stack.resolve(st.to_statement_json())["Principal"] for st in service_grant.resource_statements
    ] == [{"Service": "cloudwatch.amazonaws.com"}]
    t = Template.from_stack(stack)
    statements = next(iter(t.find_resources("AWS::IAM::Policy").values()))["Properties"]["PolicyDocument"][
        "Statement"
    ]
    by_key = {s["Resource"]["Fn::GetAtt"][0]: s["Action"] for s in statements}
    data_id = stack.get_logical_id(keys.data.node.default_child)
    art_id = stack.get_logical_id(keys.artifacts.node.default_child)
    vol_id = stack.get_logical_id(keys.volumes.node.default_child)
    assert by_key[data_id] == "kms:Decrypt"
    assert set(by_key[art_id]) >= {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"}
    assert "kms:Decrypt" not in by_key[vol_id]
    logs_id = stack.get_logical_id(keys.logs.node.default_child)
    assert logs_id not in by_key
    t.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Condition": {
                                    "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data_classes": []}, "data_classes is empty"),
        ({"data_classes": ["Data"]}, "['Data']"),
        ({"data_classes": ["data", "data"]}, "repeat a name"),
        ({"alias_prefix": "alias/x"}, "alias_prefix 'alias/x' is invalid"),
        ({"alias_prefix": "aws/team"}, "alias_prefix 'aws/team' is invalid"),
        ({"alias_prefix": "AWS"}, "alias_prefix 'AWS' is invalid"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError) as info:
        EncryptionKeys(Stack(new_app(), "S"), "Keys", **kwargs)
    assert message in str(info.value)


def test_unknown_data_class_names_the_known_ones():
    keys = EncryptionKeys(
        Stack(new_app(), "S"), "Keys", data_classes=["data", "logs"], pending_window=Duration.days(7)
    )
    with pytest.raises(ValueError, match=r"no data class 'volumes'; it has \['data', 'logs'\]"):
        _ = keys.volumes


def test_the_old_argument_order_still_grants_with_a_deprecation_warning():
    stack = Stack(new_app(), "S")
    keys = EncryptionKeys(stack, "Keys")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    for method in ("grant_encrypt_decrypt", "grant_decrypt", "grant_encrypt"):
        with pytest.warns(
            FutureWarning,
            match=rf"EncryptionKeys.{method}\('data', grantee\) is "
            r"deprecated; pass the grantee first, as in CDK: "
            rf"{method}\(grantee, 'data'\)",
        ):
            grant = getattr(keys, method)("data", role)
        assert grant.success
        assert getattr(keys, method)(role, "data").principal_statements[0].to_statement_json() == (
            grant.principal_statements[0].to_statement_json()
        )


def test_grant_to_an_unknown_class_names_the_known_ones():
    stack = Stack(new_app(), "S")
    keys = EncryptionKeys(stack, "Keys", data_classes=["data", "logs"])
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    with pytest.raises(ValueError, match=r"no data class 'artifacts'; it has \['data', 'logs'\]"):
        keys.grant_encrypt_decrypt(role, "artifacts")
    with pytest.raises(ValueError, match=r"no data class 'artifacts'"):
        keys.grant_to_service("artifacts", "cloudwatch.amazonaws.com")
