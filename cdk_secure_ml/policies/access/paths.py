"""Scenarios of the deploy path through CDK's bootstrap roles (:mod:`.bootstrap`) and of the KMS grant path
(:mod:`.kms_grants`), for :mod:`.catalogue`.

The promises (docs/delivery.md, docs/access.md): only the pipeline changes a stage account, by assuming the
stage's deploy and file-publishing roles, which the stage trusts through ``cdk bootstrap --trust <tooling>``;
nobody of a stage account assumes them, nor anyone of another stage; the deploy role deploys (it passes the
CloudFormation execution role, which CloudFormation assumes) and reads no platform data. A job's storage
volume is encrypted through the grant its role lets SageMaker create; a person creates no grant.
"""

from __future__ import annotations

from collections.abc import Iterator

from .assembly import Assembly, Role
from .facts import Facts, platforms, vpce
from .facts import facts as read_facts
from .kms_grants import GRANTEE
from .scenarios import Scenario

__all__ = ["deploy_paths", "grant_paths"]

QUALIFIER = "hnb659fds"


def _bootstrap_role(assembly: Assembly, kind: str, account: str, region: str) -> str | None:
    arn = f"arn:aws:iam::{account}:role/cdk-{QUALIFIER}-{kind}-role-{account}-{region}"
    return arn if arn in assembly.roles else None


def _pipeline_roles(assembly: Assembly) -> Iterator[tuple[str, Role | None, Role | None]]:
    """(tooling account, the pipeline's CodePipeline role, its asset file role) of each pipeline stack."""
    for stack in assembly.stacks:
        if not any(r.get("Type") == "AWS::CodePipeline::Pipeline" for r in stack.resources.values()):
            continue
        roles = [r for r in assembly.roles.values() if r.stack is stack]
        pipeline = next((r for r in roles if "codepipeline.amazonaws.com" in str(r.trust.document)), None)
        files = next(
            (r for r in roles if any("file-publishing-role" in str(p.document) for p in r.identity)), None
        )
        yield stack.account, pipeline, files


def _name(facts: Facts) -> str:
    """The platform's name (its stacks are ``<name>-<Stack>``)."""
    return facts.stack.name.rsplit("-", 1)[0]


def _stage(facts: Facts, deploy: str, pipeline: Role | None, files: Role | None) -> Iterator[Scenario]:
    assembly, account, region, stage = facts.assembly, facts.account, facts.region, _name(facts)
    if pipeline:
        yield Scenario(
            f"the pipeline assumes {stage}'s CDK deploy role",
            pipeline.arn, "sts:AssumeRole", deploy, "allow", {}, {}, "pipeline",
        )
    publishing = _bootstrap_role(assembly, "file-publishing", account, region)
    if files and publishing:
        yield Scenario(
            f"the pipeline's asset step assumes {stage}'s CDK file-publishing role",
            files.arn, "sts:AssumeRole", publishing, "allow", {}, {}, "pipeline",
        )
    execution = _bootstrap_role(assembly, "cfn-exec", account, region)
    if execution:
        yield Scenario(
            f"{stage}'s deploy role passes the CloudFormation execution role",
            deploy, "iam:PassRole", execution, "allow",
            {"iam:PassedToService": "cloudformation.amazonaws.com"}, {}, "pipeline",
        )
        yield Scenario(
            f"CloudFormation assumes {stage}'s execution role",
            "cloudformation.amazonaws.com", "sts:AssumeRole", execution, "allow", {}, {}, "pipeline",
        )
    for persona, role in sorted(facts.persona_roles.items())[:1]:
        user = next((u for u in facts.users if u["persona"] == persona), None)
        yield Scenario(
            f"the {persona} role of {stage} assumes its CDK deploy role",
            role.arn, "sts:AssumeRole", deploy, "deny", {}, facts.session(user) if user else {}, "pipeline",
        )
    bucket = facts.resources.get("DataBucket")
    if bucket:
        yield Scenario(
            f"{stage}'s CDK deploy role reads the data bucket",
            deploy, "s3:GetObject", f"arn:aws:s3:::{bucket.removeprefix('arn:aws:s3:::')}/any/object.csv",
            "deny", vpce(facts), {}, "pipeline",
        )


def deploy_paths(assembly: Assembly) -> Iterator[Scenario]:
    """For each stage platform of a pipeline's assembly (see the module docstring); none without a
    pipeline or without bootstrap roles."""
    pipelines = list(_pipeline_roles(assembly))
    if not pipelines:
        return
    tooling = {account for account, _, _ in pipelines}
    _, pipeline, files = pipelines[0]
    stages = [read_facts(assembly, p) for p in platforms(assembly)]
    stages = [f for f in stages if f.account not in tooling]
    for facts in stages:
        deploy = _bootstrap_role(assembly, "deploy", facts.account, facts.region)
        if deploy:
            yield from _stage(facts, deploy, pipeline, files)
    # a person of one stage deploys to another (the last stage: production in the reference layout)
    target = stages[-1] if stages else None
    deploy = _bootstrap_role(assembly, "deploy", target.account, target.region) if target else None
    for facts in stages[:-1]:
        for persona, role in sorted(facts.persona_roles.items())[:1]:
            if deploy and target:
                yield Scenario(
                    f"the {persona} role of {_name(facts)} assumes {_name(target)}'s CDK deploy role",
                    role.arn, "sts:AssumeRole", deploy, "deny", {}, {}, "pipeline",
                )
def grant_paths(facts: Facts) -> Iterator[Scenario]:
    """SageMaker uses the volume key through the grant an execution role's CreateGrant implies (allow);
    a person creates a grant on it for herself (deny): a grant is for AWS resources only."""
    volumes = facts.resources.get("VolumesKey")
    if not volumes:
        return
    if facts.execution_roles:
        yield Scenario(
            "SageMaker decrypts a volume with the volume key through the grant a job's role lets it create",
            GRANTEE,
            "kms:Decrypt",
            volumes,
            "allow",
            {},
            {},
            "service",
        )
    for user in facts.users[:1]:
        persona = facts.persona_roles.get(user["persona"])
        if persona:
            yield Scenario(
                f"{user['name']} creates a grant on the volume key for themselves",
                persona.arn,
                "kms:CreateGrant",
                volumes,
                "deny",
                {
                    "kms:GranteePrincipal": persona.arn,
                    "kms:GrantOperations": ["Decrypt"],
                },
                facts.session(user),
                "always-denied",
            )
