"""Amazon Bedrock for the emulator (docs/bedrock.md).

- Model invocation logging: moto 5.2.5 has Bedrock's Put/Get/DeleteModelInvocationLoggingConfiguration, but
  CloudFormation reaches them only through aws-cdk-lib's AwsCustomResource (``Custom::AWS``), whose Lambda
  function the emulator does not run: :func:`install` registers the two calls with the ``Custom::AWS``
  adapter (:mod:`.transit_gateway`), which makes them on moto's Bedrock backend. As Bedrock does, a
  CloudWatch Logs destination must be a log group of the same account and Region.
- ``AWS::Bedrock::Guardrail`` and ``AWS::Bedrock::GuardrailVersion``: labelled stand-ins (moto 5.2.5 has no
  guardrail API). They keep what they record in :data:`GUARDRAILS`, so a test can read a guardrail's
  filters and key. A guardrail without ``KmsKeyArn`` is accepted, as by AWS (the platform always sets it).
- ``AWS::Logs::LogGroup``: moto's model drops the template's ``KmsKeyId`` (it reads only the API's
  ``kmsKeyId``), so DescribeLogGroups showed a KMS-encrypted group as unencrypted; :func:`install` passes the
  key on, which the audit's check of the invocation log group (SML-AUD-104) reads.
"""

from __future__ import annotations

from typing import Any

from moto.bedrock.models import bedrock_backends
from moto.core.common_models import CloudFormationModel
from moto.logs.models import LogGroup, logs_backends

from ._base import AdapterMixin, short_id, stand_in
from .refusals import refuse

#: Guardrail id -> {"Arn", "Name", "KmsKeyArn", "Filters": [{Type, InputStrength, OutputStrength}],
#: "Versions": [numbers], "Account", "Region"}.
GUARDRAILS: dict[str, dict[str, Any]] = {}


def put_logging(account_id: str, region_name: str, parameters: dict[str, Any]) -> None:
    """PutModelInvocationLoggingConfiguration on moto's backend, after Bedrock's destination check."""
    config = parameters.get("loggingConfig") or {}
    cloudwatch = config.get("cloudWatchConfig") or {}
    group = cloudwatch.get("logGroupName")
    if group is not None and group not in logs_backends[account_id][region_name].groups:
        refuse("bedrock.logging-destination-same-account-region",
               f"Log group {group} does not exist in account {account_id} and Region {region_name}; model "
               "invocation logging writes only to destinations of the same account and Region")
    bedrock_backends[account_id][region_name].put_model_invocation_logging_configuration(config)


def delete_logging(account_id: str, region_name: str, parameters: dict[str, Any]) -> None:
    bedrock_backends[account_id][region_name].delete_model_invocation_logging_configuration()


def logging_configuration(account_id: str, region_name: str) -> dict[str, Any]:
    """The account and Region's logging configuration as moto holds it ({} when none)."""
    return bedrock_backends[account_id][region_name].get_model_invocation_logging_configuration() or {}


def install() -> None:
    """Let the ``Custom::AWS`` adapter make the two logging calls, and keep a log group's KMS key."""
    from .transit_gateway import SDK_HANDLERS

    SDK_HANDLERS[("Bedrock", "putModelInvocationLoggingConfiguration")] = put_logging
    SDK_HANDLERS[("Bedrock", "deleteModelInvocationLoggingConfiguration")] = delete_logging
    original = LogGroup.create_from_cloudformation_json
    if getattr(original, "_secure_ml", False):
        return

    def create(cls: type, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
               **kwargs: Any) -> LogGroup:
        properties = dict(cloudformation_json.get("Properties") or {})
        if "KmsKeyId" in properties:
            properties["kmsKeyId"] = properties.pop("KmsKeyId")
        return original(resource_name, {**cloudformation_json, "Properties": properties}, account_id,
                        region_name, **kwargs)

    create._secure_ml = True  # type: ignore[attr-defined]
    LogGroup.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment,method-assign]


@stand_in
class Guardrail(AdapterMixin, CloudFormationModel):
    """Stand-in: a guardrail; Ref and ``GuardrailArn`` are its ARN, ``GuardrailId`` its id."""

    def __init__(self, guardrail_id: str, arn: str) -> None:
        self.physical_id = arn
        self.GuardrailId, self.GuardrailArn, self.Version = guardrail_id, arn, "DRAFT"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Bedrock::Guardrail"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("GuardrailId", "GuardrailArn", "Version")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> Guardrail:
        props = cloudformation_json["Properties"]
        guardrail_id = short_id("")[:12]
        arn = f"arn:aws:bedrock:{region_name}:{account_id}:guardrail/{guardrail_id}"
        GUARDRAILS[guardrail_id] = {
            "Arn": arn, "Name": props["Name"], "KmsKeyArn": props.get("KmsKeyArn"),
            "Filters": list((props.get("ContentPolicyConfig") or {}).get("FiltersConfig") or []),
            "Versions": [], "Account": account_id, "Region": region_name,
        }
        return cls(guardrail_id, arn)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        GUARDRAILS.pop(resource_name.rsplit("/", 1)[-1], None)


@stand_in
class GuardrailVersion(AdapterMixin, CloudFormationModel):
    """Stand-in: a numbered version of a guardrail the emulator holds."""

    def __init__(self, arn: str, version: str) -> None:
        self.physical_id = f"{arn}:{version}"
        self.GuardrailArn, self.GuardrailId, self.Version = arn, arn.rsplit("/", 1)[-1], version

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Bedrock::GuardrailVersion"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("GuardrailArn", "GuardrailId", "Version")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> GuardrailVersion:
        identifier = str(cloudformation_json["Properties"]["GuardrailIdentifier"])
        guardrail = GUARDRAILS.get(identifier.rsplit("/", 1)[-1])
        if guardrail is None:
            raise ValueError(f"AWS::Bedrock::GuardrailVersion: guardrail {identifier} does not exist")
        guardrail["Versions"].append(len(guardrail["Versions"]) + 1)
        return cls(guardrail["Arn"], str(guardrail["Versions"][-1]))
