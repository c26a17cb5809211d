"""Every behaviour of AWS the platform relies on, one line each, with the page of AWS's documentation
that states it.

The platform's tests and its emulator used to encode the same beliefs about AWS, so a wrong belief
passed both (``shared/reviews/deployability-2026-11-30.md``). Each belief is now written down once,
here, with its source, and enforced wherever it can run:

- a test that depends on a behaviour carries ``@pytest.mark.aws_behaviour("<id>")``;
- an emulator check that refuses what AWS refuses calls ``emulator.refusals.refuse("<id>", ...)``.

``docs/aws-behaviours.md`` is generated from this table and from those two kinds of reference
(``python -m tools.aws_behaviours_doc``); a test keeps it current, fails on a reference to an unknown id,
and fails on a behaviour that nothing enforces.

To add a behaviour: verify it against AWS's documentation (the URL must state it), add a line to
:data:`BEHAVIOURS` under its service, mark the tests that rely on it, and regenerate the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsBehaviour:
    """One behaviour of AWS.

    :param id: stable, ``<service>.<what>`` in lower case with hyphens; tests and the emulator refer to it.
    :param service: the AWS service (or tool) whose behaviour it is, as AWS names it.
    :param behaviour: one sentence: what AWS does or refuses.
    :param source: the URL of the AWS page (or AWS re:Post / SDK page) that states it.
    :param findings: ids of the review findings that relied on the opposite (``D1``, ``E5``, ...).
    """

    id: str
    service: str
    behaviour: str
    source: str
    findings: tuple[str, ...] = ()


def _b(id: str, service: str, behaviour: str, source: str, *findings: str) -> AwsBehaviour:
    return AwsBehaviour(id, service, behaviour, source, tuple(findings))


#: THE table. Grouped by service; ids are unique (a test checks it).
BEHAVIOURS: tuple[AwsBehaviour, ...] = (
    # ---------------------------------------------------------------- AWS CloudFormation
    _b("cloudformation.custom-name-replacement",
       "AWS CloudFormation",
       "An update that must replace a resource whose custom name stays the same fails; replacing it needs a new "
       "name (or a generated one).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html",
       "D7", "D9"),
    _b("cloudformation.replacement-creates-first",
       "AWS CloudFormation",
       "A replacement creates the new resource first, points dependent resources at it, then deletes the old one "
       "in the cleanup phase.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html"),
    _b("cloudformation.deletion-policy-retain",
       "AWS CloudFormation",
       "A resource with DeletionPolicy Retain is kept (not deleted) when its stack is deleted or it leaves the "
       "template.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"),

    # ---------------------------------------------------------------- AWS Config, Amazon GuardDuty, AWS Organizations
    # (governance: D1-D4, D11, S2, S5)


    # ---------------------------------------------------------------- SageMaker Studio, IAM for SageMaker
    # (studio and identity: E1-E4, E6, E9, E10, D7)


    # ---------------------------------------------------------------- SageMaker hosting, SNS, CloudWatch, Auto Scaling
    # (hosting: D8, D10, E5, E7, E8, M1-M4)
    _b("sagemaker.update-endpoint-autoscaled-variant",
       "Amazon SageMaker AI",
       "UpdateEndpoint fails when it would change the instance type of, or remove, a production variant that is "
       "registered as an Application Auto Scaling scalable target; the variant must be deregistered first (a "
       "changed model alone is allowed).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html",
       "D8"),
    _b("sagemaker.blue-green-same-variant-names",
       "Amazon SageMaker AI",
       "In a blue/green or rolling endpoint deployment the new endpoint config must keep the variant names of the "
       "old one.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html",
       "D8"),
    _b("cloudformation.sagemaker-endpoint-name-replaces",
       "AWS CloudFormation",
       "A changed EndpointName of an AWS::SageMaker::Endpoint replaces the endpoint (a new endpoint is created, the "
       "old one deleted); its other properties update it in place.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-endpoint.html",
       "D8"),
    _b("sagemaker.update-endpoint-retain-variant-properties",
       "Amazon SageMaker AI",
       "UpdateEndpoint applies the new endpoint config's instance counts and weights unless RetainAllVariantProperties "
       "is true; ExcludeRetainedVariantProperties (DesiredInstanceCount, DesiredWeight) then names those taken from "
       "the new config.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html",
       "E7"),
    _b("sagemaker.model-artifacts-through-vpc-endpoint",
       "Amazon SageMaker AI",
       "A model with a VpcConfig reaches the S3 buckets of its model artifacts through the VPC's S3 endpoint, so a "
       "bucket policy on that endpoint governs the download.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
       "D10"),
    _b("sns.topic-policy-allows-cloudwatch-alarms",
       "Amazon SNS",
       "A CloudWatch alarm action publishes to an SNS topic only when the topic's access policy allows "
       "cloudwatch.amazonaws.com sns:Publish (narrowed with ArnLike aws:SourceArn to alarm ARNs); otherwise the "
       "alarm history shows \"is not authorized to perform: SNS:Publish\".",
       "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger",
       "E5"),
    _b("sagemaker.endpoint-config-kms-key-local-storage",
       "Amazon SageMaker AI",
       "CreateEndpointConfig fails when it sets KmsKeyId and a production variant uses a Nitro instance type with "
       "local (NVMe) instance storage.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",
       "E6"),
    _b("sagemaker.endpoint-cpu-utilization-per-vcpu",
       "Amazon SageMaker AI",
       "An endpoint's CPUUtilization (/aws/sagemaker/Endpoints) is the sum over the instance's vCPUs, 0-100 % each "
       "(0-400 % on 4 vCPUs); memory and disk utilization are 0-100 %.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html",
       "M3"),
    _b("sagemaker.resource-names-63",
       "Amazon SageMaker AI",
       "Endpoint, endpoint config, model, variant and monitoring schedule names are 1-63 letters, digits and "
       "hyphens.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMonitoringSchedule.html",
       "M1"),
    _b("sagemaker.model-monitor-image-per-region",
       "Amazon SageMaker AI",
       "The Model Monitor analyzer image is <account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer "
       "with a different account in each region.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html",
       "M2"),
    _b("sagemaker.blue-green-rollback-on-any-alarm",
       "Amazon SageMaker AI",
       "During a blue/green deployment SageMaker rolls all traffic back to the old fleet when any alarm of the "
       "AutoRollbackConfiguration trips during a baking period.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html",
       "M4"),


    # ---------------------------------------------------------------- CodePipeline, CodeBuild, VPC endpoints, EC2
    # (delivery and network: D5, D6, D9, S1, S3, M5, M6)


)


def by_id() -> dict[str, AwsBehaviour]:
    """The table keyed by id."""
    return {b.id: b for b in BEHAVIOURS}


def get(behaviour_id: str) -> AwsBehaviour:
    """The behaviour ``behaviour_id``.

    :raises KeyError: naming the id and the closest known ids.
    """
    table = by_id()
    try:
        return table[behaviour_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(behaviour_id, table, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(
            f"unknown AWS behaviour {behaviour_id!r}{hint} Add it to cdk_secure_ml/core/aws_behaviours.py "
            "with its documentation URL."
        ) from None


def services() -> Iterator[str]:
    """The services of the table, in table order, each once."""
    seen: set[str] = set()
    for b in BEHAVIOURS:
        if b.service not in seen:
            seen.add(b.service)
            yield b.service
