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
    _b("cloudformation.create-only-properties",
       "AWS CloudFormation",
       "A change to a property that the resource type's schema lists as createOnlyProperties replaces the "
       "resource; other changes update it in place.",
       "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html"),
    _b("cloudformation.failed-operation-rolls-back",
       "AWS CloudFormation",
       "When a resource fails, a stack create rolls back by deleting what it created (ROLLBACK_COMPLETE) and a "
       "stack update returns to the previous template (UPDATE_ROLLBACK_COMPLETE).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html"),
    _b("cloudformation.export-in-use",
       "AWS CloudFormation",
       "After another stack imports an exported output, the exporting stack cannot be deleted and the export "
       "cannot be changed or removed.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html",
       "S4"),
    _b("cloudformation.get-stack-output-weak",
       "AWS CloudFormation",
       "Fn::GetStackOutput is a weak reference: the producing stack may change or delete the output without the "
       "consumer being updated or blocked.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html",
       "S4"),
    _b("cloudformation.deletion-policy-retain",
       "AWS CloudFormation",
       "A resource with DeletionPolicy Retain is kept (not deleted) when its stack is deleted or it leaves the "
       "template.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"),

    _b("iam.delete-policy-detach-first",
       "AWS Identity and Access Management",
       "A managed policy must be detached from every user, group and role before it can be deleted; "
       "CloudFormation detaches it when it deletes the AWS::IAM::ManagedPolicy resource.",
       "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html"),

    # ---------------------------------------------------------------- SageMaker Studio teardown
    _b("sagemaker.delete-domain-needs-no-members",
       "Amazon SageMaker AI",
       "A domain cannot be deleted while it has user profiles or shared spaces (ResourceInUse).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html"),
    _b("sagemaker.delete-user-profile-needs-no-apps",
       "Amazon SageMaker AI",
       "A user profile cannot be deleted while it has apps that are not deleted or failed, or owns spaces; a "
       "space cannot be deleted while it has such apps.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile-remove.html"),
    _b("sagemaker.delete-domain-home-efs-retention",
       "Amazon SageMaker AI",
       "DeleteDomain keeps the home EFS volume unless RetentionPolicy.HomeEfsFileSystem is Delete.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteDomain.html"),

    # ---------------------------------------------------------------- AWS Config, Amazon GuardDuty, AWS Organizations
    # (governance: D1-D4, D11, S2, S5)


    # ---------------------------------------------------------------- SageMaker Studio, IAM for SageMaker
    # (studio and identity: E1-E4, E6, E9, E10, D7)


    # ---------------------------------------------------------------- SageMaker hosting, SNS, CloudWatch, Auto Scaling
    # (hosting: D8, D10, E5, E7, E8, M1-M4)


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
