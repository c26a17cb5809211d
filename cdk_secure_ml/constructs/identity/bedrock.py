"""The Bedrock-enabled personas' statements: invoke the allow-listed models and inference profiles, only
through the platform VPC, and (with a guardrail) only with the platform's guardrail (docs/bedrock.md)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam

from cdk_secure_ml.core.bedrock import GUARDRAIL_ACTIONS, INVOKE_ACTIONS

__all__ = ["bedrock_invoke_statements"]


def guardrail_identifiers(guardrail_arn: str, version: str | None = None) -> list[str]:
    """The values ``bedrock:GuardrailIdentifier`` may take: with ``version``, only ``<arn>:<version>`` (so a
    caller cannot name the DRAFT or an older, weaker version); without, the ARN or the ARN and any version
    (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html)."""
    return [f"{guardrail_arn}:{version}"] if version is not None else [guardrail_arn, f"{guardrail_arn}:*"]


def bedrock_invoke_statements(
    *, resource_arns: Sequence[str], vpc_id: str | None = None, guardrail_arn: str | None = None,
    guardrail_key_arn: str | None = None, guardrail_version: str | None = None,
) -> list[iam.PolicyStatement]:
    """The invoke grant of a Bedrock-enabled persona.

    :param resource_arns: the foundation-model and inference-profile ARNs
        (:func:`cdk_secure_ml.core.bedrock.invoke_resource_arns`); at least one.
    :param vpc_id: when given, only requests that arrive through an endpoint of this VPC are allowed
        (``aws:SourceVpc``, set on requests through a VPC endpoint:
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpc).
    :param guardrail_arn: when given, the grant requires this guardrail on every request
        (``bedrock:GuardrailIdentifier``) and a Deny refuses any request that names none or another one.
    :param guardrail_version: when given, requests must name exactly this version of the guardrail
        (``<arn>:<version>``), not the DRAFT or an older one.
    :param guardrail_key_arn: the customer managed key the guardrail is encrypted with: whoever uses the
        guardrail during inference needs ``kms:Decrypt`` on it
        (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-kms.html).
    :raises ValueError: ``resource_arns`` is empty.
    """
    if not resource_arns:
        raise ValueError("bedrock_invoke_statements: resource_arns is empty; name the models the persona may "
                         "invoke")
    conditions: dict[str, dict[str, object]] = {}
    if vpc_id is not None:
        conditions["StringEquals"] = {"aws:SourceVpc": vpc_id}
    if guardrail_arn is not None:
        conditions["StringLike"] = {
            "bedrock:GuardrailIdentifier": guardrail_identifiers(guardrail_arn, guardrail_version)}
    statements = [iam.PolicyStatement(
        sid="InvokeAllowListedModels", actions=list(INVOKE_ACTIONS), resources=list(resource_arns),
        conditions=conditions or None,
    )]
    if guardrail_arn is not None:
        statements.append(iam.PolicyStatement(
            sid="ApplyPlatformGuardrail", actions=list(GUARDRAIL_ACTIONS), resources=[guardrail_arn],
        ))
        if guardrail_key_arn is not None:
            statements.append(iam.PolicyStatement(
                sid="DecryptPlatformGuardrail", actions=["kms:Decrypt"], resources=[guardrail_key_arn]))
        # A request naming no guardrail lacks the key: StringNotLike is then true, and the Deny applies.
        statements.append(iam.PolicyStatement(
            sid="DenyInvokeWithoutPlatformGuardrail", effect=iam.Effect.DENY, actions=list(INVOKE_ACTIONS),
            resources=["*"],
            conditions={"StringNotLike": {
                "bedrock:GuardrailIdentifier": guardrail_identifiers(guardrail_arn, guardrail_version)}},
        ))
    return statements
