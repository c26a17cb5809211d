"""PrivateBedrock: Amazon Bedrock for the platform's personas, private, logged and guarded (docs/bedrock.md).

- the ``bedrock-runtime`` interface endpoint's policy admits the platform's principals, the invoke actions
  and the allow-listed models only;
- a managed policy lets the Bedrock-enabled personas (their human role and their teams' execution roles)
  invoke those models, through the platform VPC only, and with the guardrail when there is one;
- model invocation logging, which CloudFormation has no resource for, is set with one
  ``PutModelInvocationLoggingConfiguration`` call (an aws-cdk-lib AwsCustomResource) to a log group
  encrypted with the logs key and retained; the call is undone on delete;
- an optional ``AWS::Bedrock::Guardrail``, encrypted with a key of its own (its users need
  ``kms:Decrypt`` on it, so it is not the data key), and a version of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk_secure_ml.constructs.identity import MlPersonas
from cdk_secure_ml.constructs.identity.bedrock import bedrock_invoke_statements
from cdk_secure_ml.core.bedrock import (
    DEFAULT_CONTENT_FILTERS,
    GUARDRAIL_ACTIONS,
    INVOKE_ACTIONS,
    guardrail_model_problem,
    inference_profile_id_problem,
    invoke_resource_arns,
    model_id_problem,
)
from cdk_secure_ml.core.names import EXECUTION_PERSONAS, PERSONAS
from cdk_secure_ml.policies.acknowledgements import acknowledge_sdk_call_handler, justify_iam_lint

__all__ = ["PrivateBedrock"]

_MODEL_ARN_REASON = (
    "The resources are the allow-listed foundation-model and inference-profile ARNs "
    "(arn:<partition>:bedrock:<region>::foundation-model/<model id>); parliament splits ARNs at ':' and a "
    "Bedrock model id carries its version after one (-v1:0), so none matches parliament's pattern.")

#: The physical id of the logging configuration: one per account and Region (LOGGING_SOURCE).
LOGGING_PHYSICAL_ID = "model-invocation-logging"

_SDK_CALL_HANDLER = (
    "aws-cdk-lib's AwsCustomResource handler, which makes one PutModelInvocationLoggingConfiguration call "
    "when CloudFormation creates or updates the platform's Bedrock logging and one "
    "DeleteModelInvocationLoggingConfiguration call when it deletes it (CloudFormation has no resource for "
    "either): invoked only by CloudFormation, which receives its errors (no DLQ), once per deploy (no "
    "concurrency limit), outside the VPC because it calls the public Bedrock control-plane API, which the "
    "isolated VPC has no endpoint for; its role has the basic execution policy (its own log) and an inline "
    "policy of the two calls (which have no resource-level permissions) and PassRole of the logging role."
)


def _invoke_description(models: Sequence[str], profiles: Sequence[tuple[str, Sequence[str]]]) -> str:
    names = [*models, *(p for p, _ in profiles)]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"invoke the allow-listed Bedrock models: {shown}"[:1000]


class PrivateBedrock(Construct):
    """Private Amazon Bedrock for the personas of an :class:`MlPersonas`.

    :param personas: the platform's personas.
    :param enabled_personas: the Bedrock-enabled personas (names of
        :data:`~cdk_secure_ml.core.names.PERSONAS`): their human role and, for data-scientist and
        ml-engineer, their teams' execution roles get the invoke policy. At least one.
    :param models: foundation model ids the personas may invoke in the stack's Region.
    :param inference_profiles: (cross-Region inference profile id, destination Regions) pairs.
    :param vpc: the platform VPC; with ``require_vpc_endpoint`` only requests through it are allowed.
    :param endpoint: the VPC's ``bedrock-runtime`` interface endpoint: its policy is narrowed to the
        account's principals, the invoke actions and the allow-listed models. None leaves endpoint policy
        to the caller.
    :param logs_key: encrypts the invocation log group (the platform's logs key; it must let CloudWatch Logs
        use it). None: no invocation logging.
    :param log_retention: of the invocation log group. Default one year.
    :param log_text, log_images, log_embeddings: what the invocation logs hold. Default text only.
    :param guardrail_key: encrypts the guardrail; default: a key of its own (``GuardrailKey``, rotated,
        retained). The invoke policy grants ``kms:Decrypt`` on it, which every user of an encrypted
        guardrail needs (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-kms.html),
        so do not give the data key here.
    :param guardrail_filters: filter type -> (input strength, output strength); None: no guardrail.
    :param name: prefixes the guardrail's name (``<name>-guardrail``), e.g. the platform name.
    :raises ValueError: every problem of the arguments at once, each naming the value and the fix.

    Attributes:

    - ``invoke_policy`` (``iam.ManagedPolicy``): the invoke grant, attached to the enabled roles.
    - ``resource_arns`` (``list[str]``): the ARNs it names.
    - ``log_group`` (``logs.LogGroup | None``), ``logging_role`` (``iam.Role | None``), ``logging``
      (``cr.AwsCustomResource | None``).
    - ``guardrail`` (``bedrock.CfnGuardrail | None``), ``guardrail_version``
      (``bedrock.CfnGuardrailVersion | None``), ``guardrail_key`` (``kms.IKey | None``): the key the
      guardrail is encrypted with, on which the invoke grant allows ``kms:Decrypt``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        personas: MlPersonas,
        enabled_personas: Sequence[str],
        models: Sequence[str] = (),
        inference_profiles: Sequence[tuple[str, Sequence[str]]] = (),
        vpc: ec2.IVpc,
        require_vpc_endpoint: bool = True,
        endpoint: ec2.InterfaceVpcEndpoint | None = None,
        logs_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        log_text: bool = True,
        log_images: bool = False,
        log_embeddings: bool = False,
        guardrail_key: kms.IKey | None = None,
        guardrail_filters: Mapping[str, tuple[str, str]] | None = None,
        guardrail_messages: tuple[str, str] = ("This request is blocked by the platform's guardrail.",
                                               "This response is blocked by the platform's guardrail."),
        name: str = "secure-ml",
    ) -> None:
        super().__init__(scope, construct_id)
        problems = [p for m in models if (p := model_id_problem(m))]
        problems += [p for i, _ in inference_profiles if (p := inference_profile_id_problem(i))]
        if not models and not inference_profiles:
            problems.append("models and inference_profiles are empty; name at least one model to invoke")
        unknown = [p for p in enabled_personas if p not in PERSONAS]
        if unknown or not enabled_personas:
            problems.append(f"enabled_personas {list(enabled_personas)} must name some of {list(PERSONAS)}")
        if guardrail_filters is not None:
            problems += [p for m in [*models, *(i for i, _ in inference_profiles)]
                         if (p := guardrail_model_problem(m))]
        if problems:
            raise ValueError("PrivateBedrock: " + "; ".join(problems))

        stack = Stack.of(self)
        self.resource_arns = invoke_resource_arns(
            partition=stack.partition, region=stack.region, account=stack.account, models=models,
            profiles=inference_profiles)
        self.guardrail: bedrock.CfnGuardrail | None = None
        self.guardrail_version: bedrock.CfnGuardrailVersion | None = None
        self.guardrail_key: kms.IKey | None = None
        if guardrail_filters is not None:
            self.guardrail_key = guardrail_key or kms.Key(
                self, "GuardrailKey", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN,
                description=f"{name}: encrypts the Bedrock guardrail; its users decrypt with it")
            self._new_guardrail(self.guardrail_key, guardrail_filters, guardrail_messages, name)
        guardrail_arn = self.guardrail.attr_guardrail_arn if self.guardrail is not None else None

        self.invoke_policy = iam.ManagedPolicy(
            self, "InvokePolicy", description=f"{name}: {_invoke_description(models, inference_profiles)}",
            statements=bedrock_invoke_statements(
                resource_arns=self.resource_arns, vpc_id=vpc.vpc_id if require_vpc_endpoint else None,
                guardrail_arn=guardrail_arn,
                guardrail_key_arn=self.guardrail_key.key_arn if self.guardrail_key is not None else None,
                guardrail_version=(self.guardrail_version.attr_version
                                   if self.guardrail_version is not None else None)),
        )
        # parliament 1.6 splits an ARN at every ':', and a model id carries its version after one
        # (meta.llama3-8b-instruct-v1:0), so no foundation-model or inference-profile ARN matches its pattern.
        justify_iam_lint(self.invoke_policy, _MODEL_ARN_REASON, "RESOURCE_MISMATCH",
                         policy="PolicyDocument/InvokeAllowListedModels")
        for role in self._enabled_roles(personas, enabled_personas):
            role.add_managed_policy(self.invoke_policy)
        if endpoint is not None:
            self._narrow_endpoint(endpoint, guardrail_arn)

        self.log_group: logs.LogGroup | None = None
        self.logging_role: iam.Role | None = None
        self.logging: cr.AwsCustomResource | None = None
        if logs_key is not None:
            self._new_invocation_logging(logs_key, log_retention, log_text, log_images, log_embeddings)

    # ---------------------------------------------------------------------------------------------- grant

    @staticmethod
    def _enabled_roles(personas: MlPersonas, enabled: Sequence[str]) -> list[iam.Role]:
        roles = [personas.human_roles[p] for p in enabled if p in personas.human_roles]
        roles += [personas.execution_roles[(p, team)] for p in enabled if p in EXECUTION_PERSONAS
                  for team in personas.teams]
        return roles

    def _narrow_endpoint(self, endpoint: ec2.InterfaceVpcEndpoint, guardrail_arn: str | None) -> None:
        """The endpoint admits this account's principals invoking the allow-listed models (and applying the
        guardrail); nothing else passes it (an endpoint policy with statements replaces the default full
        access, https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html)."""
        account = {"StringEquals": {"aws:PrincipalAccount": Stack.of(self).account}}
        endpoint.add_to_policy(iam.PolicyStatement(
            sid="InvokeAllowListedModels", principals=[iam.StarPrincipal()], actions=list(INVOKE_ACTIONS),
            resources=list(self.resource_arns), conditions=account,
        ))
        if guardrail_arn is not None:
            endpoint.add_to_policy(iam.PolicyStatement(
                sid="ApplyPlatformGuardrail", principals=[iam.StarPrincipal()],
                actions=list(GUARDRAIL_ACTIONS),
                resources=[guardrail_arn], conditions=account,
            ))

    # ---------------------------------------------------------------------------------------------- guardrail

    def _new_guardrail(
        self, key: kms.IKey, filters: Mapping[str, tuple[str, str]], messages: tuple[str, str], name: str,
    ) -> None:
        """``AWS::Bedrock::Guardrail`` with ``KmsKeyArn``
        (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-bedrock-guardrail.html)
        and a numbered version, which the personas' requests name."""
        self.guardrail = bedrock.CfnGuardrail(
            self, "Guardrail",
            name=f"{name}-guardrail"[:50],
            description=f"{name}: content filters required on every Bedrock invocation of the platform",
            blocked_input_messaging=messages[0],
            blocked_outputs_messaging=messages[1],
            kms_key_arn=key.key_arn,
            content_policy_config=bedrock.CfnGuardrail.ContentPolicyConfigProperty(filters_config=[
                bedrock.CfnGuardrail.ContentFilterConfigProperty(
                    type=kind, input_strength=strengths[0], output_strength=strengths[1])
                for kind, strengths in (filters or DEFAULT_CONTENT_FILTERS).items()
            ]),
        )
        self.guardrail.apply_removal_policy(RemovalPolicy.RETAIN)
        # A GuardrailVersion's properties all require replacement and a version is a snapshot of the draft:
        # the filters' digest in its description makes a change of filters mint a new version
        # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-bedrock-guardrailversion.html).
        digest = hashlib.sha256(json.dumps([sorted((filters or DEFAULT_CONTENT_FILTERS).items()), messages],
                                           sort_keys=True).encode()).hexdigest()[:12]
        self.guardrail_version = bedrock.CfnGuardrailVersion(
            self, "GuardrailVersion", guardrail_identifier=self.guardrail.attr_guardrail_id,
            description=f"the version the platform's personas name (filters {digest})")
        self.guardrail_version.apply_removal_policy(RemovalPolicy.RETAIN)

    # ---------------------------------------------------------------------------------------------- logging

    def _new_invocation_logging(
        self, key: kms.IKey, retention: logs.RetentionDays, text: bool, images: bool, embeddings: bool,
    ) -> None:
        """The log group, the role Bedrock assumes to write to it, and the account's logging configuration
        (one per account and Region; CloudFormation has no resource for it:
        https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html)."""
        stack = Stack.of(self)
        self.log_group = logs.LogGroup(
            self, "InvocationLog", encryption_key=key, retention=retention,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Bedrock assumes the role for this account's logging only: the conditions AWS documents for it
        # (aws:SourceAccount, and aws:SourceArn of any Bedrock resource of the account and Region).
        principal = iam.ServicePrincipal("bedrock.amazonaws.com").with_conditions({
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:bedrock:{stack.region}:{stack.account}:*"},
        })
        self.logging_role = iam.Role(
            self, "InvocationLoggingRole", assumed_by=principal,
            description="Amazon Bedrock writes model invocation logs to the platform's log group",
        )
        logging_policy = iam.ManagedPolicy(
            self, "InvocationLoggingPolicy", roles=[self.logging_role],
            description="Amazon Bedrock writes model invocation logs to the platform's log group",
            statements=[iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )],
        )
        config = {
            "cloudWatchConfig": {"logGroupName": self.log_group.log_group_name,
                                 "roleArn": self.logging_role.role_arn},
            "textDataDeliveryEnabled": text,
            "imageDataDeliveryEnabled": images,
            "embeddingDataDeliveryEnabled": embeddings,
        }
        put = cr.AwsSdkCall(
            service="Bedrock", action="putModelInvocationLoggingConfiguration",
            parameters={"loggingConfig": config},
            physical_resource_id=cr.PhysicalResourceId.of(LOGGING_PHYSICAL_ID),
        )
        delete = cr.AwsSdkCall(service="Bedrock", action="deleteModelInvocationLoggingConfiguration")
        self.logging = cr.AwsCustomResource(
            self, "InvocationLogging",
            on_create=put, on_update=put, on_delete=delete,
            # Neither call has resource-level permissions; PutModelInvocationLoggingConfiguration passes
            # the logging role to Bedrock (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html).
            policy=cr.AwsCustomResourcePolicy.from_statements([
                iam.PolicyStatement(actions=["bedrock:PutModelInvocationLoggingConfiguration",
                                             "bedrock:DeleteModelInvocationLoggingConfiguration"],
                                    resources=["*"]),
                iam.PolicyStatement(
                    actions=["iam:PassRole"], resources=[self.logging_role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}}),
            ]),
            install_latest_aws_sdk=False,
            log_group=logs.LogGroup(
                self, "InvocationLoggingHandlerLog", encryption_key=key,
                retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.RETAIN,
            ),
        )
        # PutModelInvocationLoggingConfiguration checks that the role may write to the log group when it
        # is called: the call waits for the role's policy, not only the role.
        self.logging.node.add_dependency(self.logging_role, logging_policy)
        acknowledge_sdk_call_handler(self.logging, _SDK_CALL_HANDLER, "AwsSolutions-IAM5[Resource::*]")
