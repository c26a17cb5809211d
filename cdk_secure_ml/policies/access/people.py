"""Scenarios of people: Studio, data and jobs, per Studio user (see :mod:`.catalogue`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .facts import Facts
from .scenarios import Scenario

__all__ = ["data", "jobs", "studio"]


def _job_context(facts: Facts, team: str, **changes: Any) -> dict[str, Any]:
    """What the SageMaker Python SDK sends with the platform's SDK defaults (docs/studio.md)."""
    context: dict[str, Any] = {
        f"aws:RequestTag/{facts.team_key}": team,
        "aws:TagKeys": [facts.team_key],
        "sagemaker:VpcSubnets": list(facts.subnets),
        "sagemaker:VpcSecurityGroupIds": list(facts.security_groups),
        "sagemaker:VolumeKmsKey": facts.resources.get("VolumesKey", "volume-key"),
        "sagemaker:OutputKmsKey": facts.resources.get("DataKey", "data-key"),
        "sagemaker:InstanceTypes": ["ml.m5.xlarge"],
        "sagemaker:NetworkIsolation": "true",
        "sagemaker:InterContainerTrafficEncryption": "true",
    }
    for key, value in changes.items():
        name = "sagemaker:" + key
        if value is None:
            context.pop(name, None)
        else:
            context[name] = value
    return context


def studio(facts: Facts, user: dict[str, str], other: dict[str, str]) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    execution = facts.execution_roles.get((user["persona"], user["team"]))
    tags = facts.session(user)
    me, them = (facts.sm(f"user-profile/{u['domain']}/{u['name']}") for u in (user, other))
    if persona:
        yield Scenario(
            f"{user['name']} opens Studio (presigned URL) for their own profile",
            persona.arn,
            "sagemaker:CreatePresignedDomainUrl",
            me,
            "allow",
            {},
            tags,
            "studio",
        )
        yield Scenario(
            f"{user['name']} opens Studio for {other['name']}'s profile",
            persona.arn,
            "sagemaker:CreatePresignedDomainUrl",
            them,
            "deny",
            {},
            tags,
            "studio",
        )
    if not execution:
        return
    studio = {"sagemaker:DomainId": user["domain"], "sagemaker:UserProfileName": user["name"]}
    for app in ("JupyterLab", "CodeEditor"):
        space = facts.sm(f"space/{user['domain']}/{user['name']}-{app.lower()}")
        app_arn = facts.sm(f"app/{user['domain']}/{user['name']}-{app.lower()}/{app}/default")
        own = {**studio, "sagemaker:OwnerUserProfileArn": me, "sagemaker:SpaceSharingType": "Private"}
        yield Scenario(
            f"{user['name']} creates their private {app} space",
            execution.arn,
            "sagemaker:CreateSpace",
            space,
            "allow",
            own,
            {},
            "studio",
        )
        yield Scenario(
            f"{user['name']} starts the {app} app in their private space",
            execution.arn,
            "sagemaker:CreateApp",
            app_arn,
            "allow",
            own,
            {},
            "studio",
        )
        yield Scenario(
            f"{user['name']} creates a {app} space owned by {other['name']}",
            execution.arn,
            "sagemaker:CreateSpace",
            space,
            "deny",
            {**own, "sagemaker:OwnerUserProfileArn": them},
            {},
            "studio",
        )
        yield Scenario(
            f"{user['name']} creates a shared {app} space",
            execution.arn,
            "sagemaker:CreateSpace",
            space,
            "deny",
            {**own, "sagemaker:SpaceSharingType": "Shared"},
            {},
            "studio",
        )


def data(facts: Facts, user: dict[str, str], other_team: str | None) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    bucket, key, vpce = (facts.resources.get(k) for k in ("DataBucket", "DataKey", "S3Endpoint"))
    if not (persona and bucket and key):
        return
    tags = facts.session(user)
    inside = {"aws:SourceVpce": vpce} if vpce else {}
    via_s3 = {"kms:ViaService": f"s3.{facts.region}.amazonaws.com"}
    own = f"{bucket}/{user['team']}/features/part-0.parquet"
    name = user["name"]
    yield Scenario(
        f"{name} reads their team's data", persona.arn, "s3:GetObject", own, "allow", inside, tags, "data"
    )
    yield Scenario(
        f"{name} decrypts their team's data through S3",
        persona.arn,
        "kms:Decrypt",
        key,
        "allow",
        via_s3,
        tags,
        "data",
    )
    if user["persona"] == "data-scientist":
        yield Scenario(
            f"{name} writes their team's data",
            persona.arn,
            "s3:PutObject",
            own,
            "allow",
            inside,
            tags,
            "data",
        )
    if other_team:
        theirs = f"{bucket}/{other_team}/features/part-0.parquet"
        yield Scenario(
            f"{name} reads team {other_team}'s data",
            persona.arn,
            "s3:GetObject",
            theirs,
            "deny",
            inside,
            tags,
            "data",
        )
        yield Scenario(
            f"{name} writes team {other_team}'s data",
            persona.arn,
            "s3:PutObject",
            theirs,
            "deny",
            inside,
            tags,
            "data",
        )
    yield Scenario(
        f"{name} reads their team's data without TLS",
        persona.arn,
        "s3:GetObject",
        own,
        "deny",
        {**inside, "aws:SecureTransport": "false"},
        tags,
        "always-denied",
    )
    yield Scenario(
        f"{name} reads their team's data from outside the VPC endpoint",
        persona.arn,
        "s3:GetObject",
        own,
        "deny",
        {"aws:SourceVpce": "vpce-0elsewhere"},
        tags,
        "always-denied",
    )


def jobs(facts: Facts, user: dict[str, str]) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    if not persona or user["persona"] != "data-scientist":
        return
    tags = facts.session(user)
    job = facts.sm(f"training-job/{user['team']}-churn-1")
    name, team = user["name"], user["team"]
    yield Scenario(
        f"{name} starts a training job with the SDK defaults",
        persona.arn,
        "sagemaker:CreateTrainingJob",
        job,
        "allow",
        _job_context(facts, team),
        tags,
        "jobs",
    )
    yield Scenario(
        f"{name} starts a processing job with the SDK defaults",
        persona.arn,
        "sagemaker:CreateProcessingJob",
        facts.sm(f"processing-job/{team}-prep-1"),
        "allow",
        _job_context(facts, team, NetworkIsolation=None, InterContainerTrafficEncryption=None),
        tags,
        "jobs",
    )
    for what, changes in (
        ("without a VPC", {"VpcSubnets": None, "VpcSecurityGroupIds": None}),
        ("without a volume KMS key", {"VolumeKmsKey": None}),
        ("without an output KMS key", {"OutputKmsKey": None}),
        ("without network isolation", {"NetworkIsolation": "false"}),
    ):
        yield Scenario(
            f"{name} starts a training job {what}",
            persona.arn,
            "sagemaker:CreateTrainingJob",
            job,
            "deny",
            _job_context(facts, team, **changes),
            tags,
            "jobs",
        )
    execution = facts.execution_roles.get((user["persona"], team))
    if execution:
        yield Scenario(
            f"{name} passes their team's execution role to SageMaker",
            persona.arn,
            "iam:PassRole",
            execution.arn,
            "allow",
            {"iam:PassedToService": "sagemaker.amazonaws.com"},
            tags,
            "jobs",
        )
    for (persona_name, other_team), role in facts.execution_roles.items():
        if persona_name == user["persona"] and other_team != team:
            yield Scenario(
                f"{name} passes team {other_team}'s execution role",
                persona.arn,
                "iam:PassRole",
                role.arn,
                "deny",
                {"iam:PassedToService": "sagemaker.amazonaws.com"},
                tags,
                "jobs",
            )
            break
