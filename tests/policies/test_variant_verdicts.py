"""Verdicts on a template's variants that the faster variant machinery (variants.py re-resolves only the
properties that name what a variant changes; the runner skips rules that read no Properties) must keep.
Each case is what the code before it reported (the review of 2026-11-30, night, found them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cdk_secure_ml.policies.runner import check_paths


def _check(tmp_path: Path, text: str):
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    return check_paths([path])


GET_ATT = """\
Parameters:
  VpcCidr: {Type: String, Default: 10.0.0.0/16}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref VpcCidr}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "workloads of ${VpcCidr}"
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !GetAtt Vpc.CidrBlock}
"""


def test_a_value_reached_through_get_att_is_resolved_again_in_the_variant(tmp_path: Path) -> None:
    """CidrIp names no parameter itself, but GetAtt Vpc.CidrBlock resolves to the VPC's CidrBlock, which is
    the free-form VpcCidr: the deploy-time variant must see it unresolved ("cannot verify")."""
    (finding,) = [f for f in _check(tmp_path, GET_ATT).findings if f.rule == "SML-NET-11"]
    assert "cannot verify" in finding.message and "Ref VpcCidr" in finding.message


ACK_ONLY_IN_A_VARIANT = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Condition: IsProd
    Metadata:
      cdk_secure_ml:
        acknowledge:
          - rule: SML-ENC-99
          - rule: SML-ENC-1
"""


def test_acknowledgement_checks_run_on_a_resource_that_exists_only_in_a_variant(tmp_path: Path) -> None:
    """The topic exists only when Env is prod: its acknowledgements without a reason are still reported."""
    meta = [f for f in _check(tmp_path, ACK_ONLY_IN_A_VARIANT).findings if f.rule == "SML-META-1"]
    assert len(meta) == 2
    assert all(f.message.endswith("(when parameter Env is 'prod')") for f in meta)


SAM_BEHIND_A_CONDITION = """\
Transform: AWS::Serverless-2016-10-31
Conditions:
  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: InUsEast1
    Properties:
      {Runtime: python3.12, Handler: index.handler, InlineCode: "x", Policies: [AdministratorAccess]}
"""


def test_what_was_not_read_stays_reported_when_a_condition_has_variants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without aws-sam-translator the function is not translated (SML-META-4, "cannot verify"); the
    condition's variants, which do not rerun that check, must not count it as settled."""
    # As without the [transforms] extra: every samtranslator module unimportable, the cached ones too.
    for name in ["samtranslator", *(n for n in sys.modules if n.startswith("samtranslator."))]:
        monkeypatch.setitem(sys.modules, name, None)
    report = _check(tmp_path, SAM_BEHIND_A_CONDITION)
    (finding,) = [f for f in report.findings if f.rule == "SML-META-4"]
    assert finding.resource == "Fn" and "cannot verify" in finding.message


def test_a_variants_properties_equal_a_full_resolution_through_get_att(tmp_path: Path) -> None:
    from cdk_secure_ml.policies.template import Resource, load_template
    from cdk_secure_ml.policies.variants import variants_of

    path = tmp_path / "template.yaml"
    path.write_text(GET_ATT, encoding="utf-8")
    (variant,), _ = variants_of(load_template(path))
    group = variant.template.resources["Sg"]
    assert group.properties == Resource.properties.func(group)  # type: ignore[attr-defined]
    assert "Unresolved" in type(group.properties["SecurityGroupIngress"][0]["CidrIp"]).__name__


def _open_vpc(cidr_ip: str) -> str:
    return f"""\
Parameters:
  VpcCidr: {{Type: String, AllowedValues: [10.0.0.0/16, 0.0.0.0/0], Default: 10.0.0.0/16}}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {{CidrBlock: !Ref VpcCidr}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: workloads
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: {cidr_ip}}}
"""


@pytest.mark.parametrize("cidr_ip", ["!GetAtt Vpc.CidrBlock", "!Sub '${Vpc.CidrBlock}'"])
def test_a_group_that_reaches_a_parameter_only_through_get_att_is_judged_for_each_value(
    tmp_path: Path, cidr_ip: str
) -> None:
    """The group names no parameter; its CidrIp is the VPC's CidrBlock, which may be 0.0.0.0/0: the variant
    where it is must be judged (GetAtt in both forms, and ${A.B} in Fn::Sub)."""
    errors = [f for f in _check(tmp_path, _open_vpc(cidr_ip)).findings if f.rule == "SML-NET-11"]
    assert [f.severity for f in errors] == ["error"]
    assert errors[0].message.endswith("(when parameter VpcCidr is '0.0.0.0/0')")
