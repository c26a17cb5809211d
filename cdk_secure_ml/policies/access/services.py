"""Scenarios of models and serving, and of service principals' delivery paths (see :mod:`.catalogue`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .assembly import Assembly, Role, Stack
from .facts import Facts, vpce
from .scenarios import Scenario

__all__ = ["delivery", "services", "serving"]


def serving(facts: Facts, users: list[dict[str, str]]) -> Iterator[Scenario]:
    assembly = facts.assembly
    for stack in assembly.stacks:
        if stack.account != facts.account or stack.region != facts.region:
            continue
        for lid, res in stack.resources.items():
            if res.get("Type") != "AWS::SageMaker::Endpoint":
                continue
            endpoint = assembly.ids[f"{stack.name}/{lid}"]
            team = assembly.tags.get(endpoint, {}).get(facts.team_key, "")
            tags = {f"aws:RequestTag/{facts.team_key}": team, "aws:TagKeys": [facts.team_key]}
            for user in users:
                persona = facts.persona_roles.get(user["persona"])
                if not persona or user["team"] != team:
                    continue
                session = facts.session(user)
                deploys = "allow" if user["persona"] == "ml-engineer" else "deny"
                yield Scenario(
                    f"{user['name']} ({user['persona']}) deploys an endpoint",
                    persona.arn,
                    "sagemaker:CreateEndpoint",
                    endpoint,
                    deploys,
                    tags,
                    session,
                    "serving",
                )
                if user["persona"] == "ml-engineer":
                    yield Scenario(
                        f"{user['name']} registers a model version",
                        persona.arn,
                        "sagemaker:CreateModelPackage",
                        facts.sm(f"model-package/{team}-churn/1"),
                        "allow",
                        tags,
                        session,
                        "serving",
                    )
            yield from _consumer(facts, stack, res, endpoint)
            yield from _serving_roles(facts, stack, endpoint)
            yield from _reports(facts, stack, team, endpoint)


def _is_async(facts: Facts, stack: Stack, endpoint: dict) -> bool:
    """Whether the endpoint's endpoint config has an AsyncInferenceConfig (InvokeEndpointAsync applies)."""
    ref = (endpoint.get("Properties") or {}).get("EndpointConfigName")
    target = ref.get("Fn::GetAtt", [None])[0] if isinstance(ref, dict) else None
    config = stack.resources.get(target, {}) if isinstance(target, str) else {}
    return bool((config.get("Properties") or {}).get("AsyncInferenceConfig"))


def _consumer(facts: Facts, stack: Stack, res: dict, endpoint: str) -> Iterator[Scenario]:
    """The model consumer invokes the endpoints named in identity.consumer_endpoint_names and nothing else
    (docs/identity.md). Which endpoints it was given comes from the config (``facts.consumer_endpoints``),
    never from its policy; unknown (None), only the denials are promised. The invoke actions are authorized
    on the endpoint's ARN (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html);
    the persona's policy names ``endpoint/<name>-????????``, where ? is one character
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html), so the
    look-alike ``<name>-v2-0123abcd`` must be denied."""
    consumer = facts.persona_roles.get("model-consumer")
    if not consumer:
        return
    physical = endpoint.rsplit("/", 1)[-1]
    # A SecureEndpoint's physical name is <config name>-<8 hex> (docs/hosting.md).
    name = physical.rsplit("-", 1)[0] if re.fullmatch(r".+-[0-9a-f]{8}", physical) else physical
    given_names = {n.lower() for n in facts.consumer_endpoints or []}  # SageMaker ARNs are lower case
    given = name.lower() in given_names
    if facts.consumer_endpoints is not None:
        actions = ["sagemaker:InvokeEndpoint"] + (
            ["sagemaker:InvokeEndpointAsync"] if _is_async(facts, stack, res) else []
        )
        for action in actions:
            yield Scenario(
                f"the model consumer calls {action.split(':')[1]} on {physical} "
                + ("(given to it)" if given else "(not given to it)"),
                consumer.arn,
                action,
                endpoint,
                "allow" if given else "deny",
                {},
                {},
                "serving",
            )
    if f"{name}-v2".lower() not in given_names:  # a look-alike: a name starting with this one's
        yield Scenario(
            f"the model consumer invokes {name}-v2-0123abcd, an endpoint it was not given",
            consumer.arn,
            "sagemaker:InvokeEndpoint",
            facts.sm(f"endpoint/{name}-v2-0123abcd"),
            "deny",
            {},
            {},
            "serving",
        )
    yield Scenario(
        "the model consumer invokes an endpoint it was not given",
        consumer.arn,
        "sagemaker:InvokeEndpoint",
        facts.sm("endpoint/someone-elses"),
        "deny",
        {},
        {},
        "serving",
    )
    for action in ("sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:CreateEndpoint"):
        yield Scenario(
            f"the model consumer calls {action.split(':')[1]} on {physical}",
            consumer.arn,
            action,
            endpoint,
            "deny",
            {},
            {},
            "serving",
        )


def _serving_roles(facts: Facts, stack: Stack, endpoint: str) -> Iterator[Scenario]:
    assembly = facts.assembly
    for res in stack.resources.values():
        props = assembly.resolve(stack, res.get("Properties") or {})
        if res.get("Type") == "AWS::SageMaker::Model":
            url = str(props.get("PrimaryContainer", {}).get("ModelDataUrl", ""))
            role = props.get("ExecutionRoleArn")
            if url.startswith("s3://") and role in assembly.roles:
                artifact = "arn:aws:s3:::" + url.removeprefix("s3://")
                yield Scenario(
                    "the endpoint's execution role reads its model artifact",
                    role,
                    "s3:GetObject",
                    artifact,
                    "allow",
                    vpce(facts),
                    {},
                    "serving",
                )
                team = artifact.split("/")[1] if "/" in artifact else ""
                uploader = facts.execution_roles.get(("ml-engineer", team))
                if uploader:  # Studio's path for an ML engineer (the pipeline's in a delivery account)
                    yield Scenario(
                        f"team {team}'s ml-engineer execution role uploads the endpoint's model artifact",
                        uploader.arn,
                        "s3:PutObject",
                        artifact,
                        "allow",
                        vpce(facts),
                        {},
                        "serving",
                    )
        if res.get("Type") == "AWS::SageMaker::DataQualityJobDefinition" and _monitors(props, endpoint):
            role = props.get("RoleArn")
            outputs = props.get("DataQualityJobOutputConfig", {}).get("MonitoringOutputs", [])
            for output in outputs:
                uri = str(output.get("S3Output", {}).get("S3Uri", ""))
                if uri.startswith("s3://") and role in assembly.roles:
                    report = "arn:aws:s3:::" + uri.removeprefix("s3://") + "/2026/report.json"
                    yield Scenario(
                        "Model Monitor writes its report",
                        role,
                        "s3:PutObject",
                        report,
                        "allow",
                        vpce(facts),
                        {},
                        "serving",
                    )
                    bucket_root = report.split("/", 1)[0]
                    capture = (
                        f"{bucket_root}/{report.split('/')[1]}/data-capture/" + endpoint.rsplit("/", 1)[-1]
                    )
                    yield Scenario(
                        "Model Monitor reads the captured data",
                        role,
                        "s3:GetObject",
                        capture + "/AllTraffic/2026/11/30/00/capture.jsonl",
                        "allow",
                        vpce(facts),
                        {},
                        "serving",
                    )


def services(facts: Facts) -> Iterator[Scenario]:  # noqa: C901 - one delivery path per branch
    assembly, account, region = facts.assembly, facts.account, facts.region
    source = {"aws:SourceAccount": account}
    seen: set[tuple[str, str]] = set()
    for stack in assembly.stacks:
        if stack.account != account or stack.region != region:
            continue
        for lid, res in stack.resources.items():
            rtype, props = res.get("Type"), assembly.resolve(stack, res.get("Properties") or {})
            if rtype == "AWS::CloudWatch::Alarm":
                for topic in props.get("AlarmActions", [])[:1]:
                    if ("cloudwatch", topic) in seen:
                        continue
                    seen.add(("cloudwatch", topic))
                    alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:{props.get('AlarmName', lid)}"
                    yield Scenario(
                        f"a CloudWatch alarm publishes to {topic.rsplit(':', 1)[-1]}",
                        "cloudwatch.amazonaws.com",
                        "sns:Publish",
                        topic,
                        "allow",
                        {**source, "aws:SourceArn": alarm},
                        {},
                        "service",
                    )
            if rtype == "AWS::Events::Rule":
                for target in props.get("Targets", [])[:1]:
                    if ":sns:" in str(target.get("Arn")) and ("events", target["Arn"]) not in seen:
                        seen.add(("events", target["Arn"]))
                        yield Scenario(
                            f"EventBridge ({lid}) publishes to {target['Arn'].rsplit(':', 1)[-1]}",
                            "events.amazonaws.com",
                            "sns:Publish",
                            target["Arn"],
                            "allow",
                            {**source, "aws:SourceArn": f"arn:aws:events:{region}:{account}:rule/{lid}"},
                            {},
                            "service",
                        )
                        break
            if rtype == "AWS::SNS::Topic" and props.get("KmsMasterKeyId"):
                key = str(props["KmsMasterKeyId"])
                yield from _topic_key(facts, stack, lid, key)
            if rtype == "AWS::CloudTrail::Trail":
                bucket = f"arn:aws:s3:::{props.get('S3BucketName')}"
                trail = f"arn:aws:cloudtrail:{region}:{account}:trail/{props.get('TrailName', lid)}"
                yield Scenario(
                    "CloudTrail checks the trail bucket's ACL",
                    "cloudtrail.amazonaws.com",
                    "s3:GetBucketAcl",
                    bucket,
                    "allow",
                    {**source, "aws:SourceArn": trail},
                    {},
                    "service",
                )
                yield Scenario(
                    "CloudTrail delivers log files",
                    "cloudtrail.amazonaws.com",
                    "s3:PutObject",
                    f"{bucket}/AWSLogs/{account}/CloudTrail/{region}/2026/11/30/log.json.gz",
                    "allow",
                    {**source, "aws:SourceArn": trail, "s3:x-amz-acl": "bucket-owner-full-control"},
                    {},
                    "service",
                )
                for persona, role in sorted(facts.persona_roles.items()):
                    yield Scenario(
                        f"the {persona} role stops the trail",
                        role.arn,
                        "cloudtrail:StopLogging",
                        trail,
                        "deny",
                        {},
                        facts.session(facts.users[0]) if facts.users else {},
                        "always-denied",
                    )
            if rtype == "AWS::Config::DeliveryChannel":
                bucket = f"arn:aws:s3:::{props.get('S3BucketName')}"
                for rec in stack.resources.values():
                    if rec.get("Type") == "AWS::Config::ConfigurationRecorder":
                        role = assembly.resolve(stack, rec.get("Properties", {}).get("RoleARN"))
                        if role in assembly.roles:
                            yield Scenario(
                                "Config delivers a snapshot through the recorder role",
                                role,
                                "s3:PutObject",
                                f"{bucket}/AWSLogs/{account}/Config/{region}/snapshot.json.gz",
                                "allow",
                                {"s3:x-amz-acl": "bucket-owner-full-control"},
                                {},
                                "service",
                            )
                            yield Scenario(
                                "Config checks the delivery bucket's ACL through the recorder role",
                                role,
                                "s3:GetBucketAcl",
                                bucket,
                                "allow",
                                {},
                                {},
                                "service",
                            )
    for (persona, team), role in sorted(facts.execution_roles.items())[:1]:
        volumes = facts.resources.get("VolumesKey")
        if volumes:
            yield Scenario(
                f"SageMaker ({persona} {team} execution role) uses the volume key",
                role.arn,
                "kms:CreateGrant",
                volumes,
                "allow",
                {"kms:ViaService": f"sagemaker.{region}.amazonaws.com", "kms:GrantIsForAWSResource": "true"},
                {},
                "service",
            )
        data = facts.resources.get("DataKey")
        if data:
            yield Scenario(
                f"SageMaker ({persona} {team} execution role) writes with the data key",
                role.arn,
                "kms:GenerateDataKey",
                data,
                "allow",
                {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                {},
                "service",
            )


def _topic_key(facts: Facts, stack: Stack, topic_lid: str, key: str) -> Iterator[Scenario]:
    assembly = facts.assembly
    publishers = set()
    for res in stack.resources.values():
        props = assembly.resolve(stack, res.get("Properties") or {})
        if res.get("Type") == "AWS::CloudWatch::Alarm":
            publishers.add("cloudwatch.amazonaws.com")
        if res.get("Type") == "AWS::Events::Rule" and any(
            ":sns:" in str(t.get("Arn")) for t in props.get("Targets", [])
        ):
            publishers.add("events.amazonaws.com")
    for service in sorted(publishers):
        yield Scenario(
            f"{service.split('.')[0]} encrypts for topic {topic_lid} with its key",
            service,
            "kms:GenerateDataKey",
            key,
            "allow",
            {"aws:SourceAccount": facts.account},
            {},
            "service",
        )


def _trusted_role(role: Role) -> tuple[str, str] | None:
    """(account, role ARN) when ``role``'s trust names another account's root and one role of it."""
    for statement in role.trust.statements():
        principals = statement.get("Principal", {})
        aws = principals.get("AWS", []) if isinstance(principals, dict) else []
        roots = [str(p) for p in (aws if isinstance(aws, list) else [aws])]
        arns = statement.get("Condition", {}).get("ArnEquals", {}).get("aws:PrincipalArn")
        for root in roots:
            account = root.split(":")[4] if root.endswith(":root") else ""
            if account and account != role.stack.account and isinstance(arns, str):
                return account, arns
    return None


def delivery(assembly: Assembly) -> Iterator[Scenario]:
    """The pipeline's paths across accounts: its audit step assumes each stage's audit role (and no other
    tooling role may), its synth step looks up approved model packages, and the stages' endpoint roles
    pull their images from the tooling account's repository."""
    for role in list(assembly.roles.values()):
        trusted = _trusted_role(role)
        if not trusted or trusted[1] not in assembly.roles:
            continue
        account, caller = trusted
        stage = role.stack.name
        yield Scenario(
            f"the pipeline's audit step assumes {stage}'s audit role",
            caller,
            "sts:AssumeRole",
            role.arn,
            "allow",
            {},
            {},
            "pipeline",
        )
        other = next(
            (
                r
                for r in assembly.roles.values()
                if r.stack.account == account and r.arn != caller and "Synth" in r.logical_id
            ),
            None,
        )
        if other:
            yield Scenario(
                f"the pipeline's synth step assumes {stage}'s audit role",
                other.arn,
                "sts:AssumeRole",
                role.arn,
                "deny",
                {},
                {},
                "pipeline",
            )
    for stack in assembly.stacks:
        for lid, res in stack.resources.items():
            if res.get("Type") != "AWS::SageMaker::ModelPackageGroup":
                continue
            group = assembly.ids[f"{stack.name}/{lid}"]
            synth = next(
                (
                    r
                    for r in assembly.roles.values()
                    if r.stack is stack and "SynthCdkBuildProjectRole" in r.logical_id
                ),
                None,
            )
            if synth:
                yield Scenario(
                    "the pipeline's synth step lists the approved model packages",
                    synth.arn,
                    "sagemaker:ListModelPackages",
                    group,
                    "allow",
                    {},
                    {},
                    "pipeline",
                )
    yield from _image_pulls(assembly)


def _image_pulls(assembly: Assembly) -> Iterator[Scenario]:
    for stack in assembly.stacks:
        for res in stack.resources.values():
            if res.get("Type") != "AWS::SageMaker::Model":
                continue
            props = assembly.resolve(stack, res.get("Properties") or {})
            image, role = (
                str(props.get("PrimaryContainer", {}).get("Image", "")),
                props.get("ExecutionRoleArn"),
            )
            match = re.match(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^@:]+)", image)
            if match and role in assembly.roles:
                account, region, name = match.groups()
                repository = f"arn:aws:ecr:{region}:{account}:repository/{name}"
                where = "the tooling account's" if account != stack.account else "its account's"
                yield Scenario(
                    f"{stack.name}'s endpoint role pulls its image from {where} repository",
                    role,
                    "ecr:BatchGetImage",
                    repository,
                    "allow",
                    {},
                    {},
                    "pipeline",
                )


def _monitors(props: dict, endpoint: str) -> bool:
    """Whether a job definition's properties monitor ``endpoint`` (an ARN): a stack with endpoints of two
    teams must not credit one endpoint's monitoring to the other; an unresolved name is assumed to."""
    name = props.get("DataQualityJobInput", {}).get("EndpointInput", {}).get("EndpointName")
    return not isinstance(name, str) or name.lower() == endpoint.rsplit("/", 1)[-1].lower()


def _reports(facts: Facts, stack: Stack, team: str, endpoint: str) -> Iterator[Scenario]:
    """People read their own team's Model Monitor reports, not another team's."""
    assembly = facts.assembly
    for res in stack.resources.values():
        if res.get("Type") != "AWS::SageMaker::DataQualityJobDefinition":
            continue
        props = assembly.resolve(stack, res.get("Properties") or {})
        if not _monitors(props, endpoint):
            continue
        for output in props.get("DataQualityJobOutputConfig", {}).get("MonitoringOutputs", []):
            uri = str(output.get("S3Output", {}).get("S3Uri", ""))
            if not uri.startswith("s3://"):
                continue
            report = "arn:aws:s3:::" + uri.removeprefix("s3://") + "/2026/constraint_violations.json"
            for user in facts.users:
                persona = facts.persona_roles.get(user["persona"])
                if persona and user["persona"] in ("data-scientist", "ml-engineer"):
                    expected = "allow" if user["team"] == team else "deny"
                    yield Scenario(
                        f"{user['name']} ({user['team']}) reads team {team}'s monitoring report",
                        persona.arn,
                        "s3:GetObject",
                        report,
                        expected,
                        vpce(facts),
                        facts.session(user),
                        "serving",
                    )
            consumer = facts.persona_roles.get("model-consumer")
            if consumer:
                yield Scenario(
                    "the model consumer reads a monitoring report",
                    consumer.arn,
                    "s3:GetObject",
                    report,
                    "deny",
                    vpce(facts),
                    {},
                    "serving",
                )
