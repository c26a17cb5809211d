"""The scenario catalogue: who should be able to do what on this platform, derived from the assembly,
each with the decision the platform promises; and the user's own scenarios from YAML.

Derived (:func:`derive`): every Studio user profile (its persona and team from the profile's tags; the
persona role's session carries the ``team`` and ``user`` session tags the identity provider sets,
docs/identity.md) × Studio, data, jobs, models and serving; the service principals × their delivery
paths (CloudWatch alarms and EventBridge → SNS, CloudTrail and Config → S3, SageMaker with the keys);
what is always denied (stopping the trail, plain HTTP, S3 outside the VPC endpoint). A scenario's
``expected`` is the platform's promise (docs/identity.md), never read back from the policies.

YAML (:func:`load_scenarios`)::

    scenarios:
      - name: alice reads research data
        principal: Foundation/Personas/DataScientistRole   # logical id, construct path or ARN
        session_tags: {team: research, user: alice}
        action: s3:GetObject
        resource: arn:aws:s3:::my-bucket/research/x.csv      # or a logical id / construct path
        context: {aws:SourceVpce: vpce-0abc}
        expected: allow                                       # allow | deny
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..scp import load_policy
from ..template import InputError
from .assembly import Assembly, Role, Stack
from .evaluator import Decision, Policy, Principal, Request, evaluate

__all__ = ["Scenario", "derive", "load_scenarios", "platform_scps", "run"]

CDK_EXEC_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"
_FULL_ACCESS = {"Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Scenario:
    """One request and the decision the platform promises for it.

    :param principal: a role's ARN (or logical id / construct path, resolved by :func:`run`) or a
        service principal (``cloudtrail.amazonaws.com``).
    :param expected: ``allow`` or ``deny``.
    """

    name: str
    principal: str
    action: str
    resource: str
    expected: str
    context: Mapping[str, Any] = field(default_factory=dict)
    session_tags: Mapping[str, str] = field(default_factory=dict)
    group: str = "custom"


def platform_scps(regions: list[str]) -> tuple[Policy, ...]:
    """AWS's FullAWSAccess and the platform's SCPs (cdk_secure_ml/policies/scp), as attached to an ML
    account: CDK's execution role as the deployer, no break-glass role, the assembly's regions allowed."""
    params: dict[str, dict[str, Any]] = {
        "protect-audit": {"deployer_role_arns": [CDK_EXEC_ROLE_PATTERN], "break_glass_role_arns": []},
        "region-allow-list": {"allowed_regions": sorted(set(regions))},
        "sagemaker-network": {}, "sagemaker-encryption": {},
    }
    out = [Policy(_FULL_ACCESS, "scp", "FullAWSAccess", "p-FullAWSAccess")]
    out += [Policy(load_policy(name, **values), "scp", f"scp/{name}.json", name) for name, values in params.items()]
    return tuple(out)


# -- running -------------------------------------------------------------------------------------


def _resource_context(assembly: Assembly, resource: str) -> dict[str, Any]:
    context: dict[str, Any] = {}
    service = resource.split(":")[2] if resource.startswith("arn:") else ""
    for key, value in assembly.tags.get(resource, {}).items():
        context[f"aws:ResourceTag/{key}"] = value
        if service:
            context[f"{service}:ResourceTag/{key}"] = value
    return context


def request_for(assembly: Assembly, scenario: Scenario, scps: tuple[Policy, ...]) -> Request:
    """The evaluator's request for ``scenario``.

    :raises InputError: the principal or resource is not in the assembly.
    """
    resource = scenario.resource if scenario.resource.startswith("arn:") or scenario.resource == "*" \
        else assembly.find(scenario.resource)
    if scenario.principal.endswith(".amazonaws.com"):
        principal = Principal(scenario.principal)
        account = assembly.stacks[0].account
    else:
        role = assembly.role(scenario.principal)
        principal = role.principal(scenario.session_tags, scps)
        account = role.stack.account
    vpce = str(next((v for k, v in scenario.context.items() if k.lower() == "aws:sourcevpce"), ""))
    region = resource.split(":")[3] if resource.startswith("arn:") and resource.split(":")[3] else None
    context = {"aws:RequestedRegion": region or assembly.stacks[0].region,
               **_resource_context(assembly, resource), **scenario.context}
    if resource.startswith("arn:aws:s3:::"):
        context.setdefault("s3:ResourceAccount", account)  # the platform's buckets are the account's
    endpoint = assembly.endpoint_policies.get((account, vpce))
    return Request(principal, scenario.action, resource, account, assembly.policies_for(resource),
                   (endpoint,) if endpoint else (), context)


def run(assembly: Assembly, scenarios: list[Scenario], *, scps: bool = True) -> list[tuple[Scenario, Decision]]:
    regions = [s.region for s in assembly.stacks]
    attached = platform_scps(regions) if scps else ()
    return [(s, evaluate(request_for(assembly, s, attached))) for s in scenarios]


# -- YAML ----------------------------------------------------------------------------------------

_KEYS = {"name", "principal", "action", "resource", "expected", "context", "session_tags"}


def load_scenarios(path: str | Path) -> list[Scenario]:
    """The scenarios of a YAML file (see the module docstring).

    :raises InputError: naming the file, the scenario and the key of each problem.
    """
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"{path}: cannot read the scenarios: {error}") from error
    items = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{path}: expected a mapping with a 'scenarios' list (see docs/access.md)")
    out, problems = [], []
    for index, item in enumerate(items):
        where = f"{path}: scenarios[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping with name, principal, action, resource, expected")
            continue
        missing = sorted({"name", "principal", "action", "resource", "expected"} - set(item))
        unknown = sorted(set(item) - _KEYS)
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(_KEYS))}")
        if item.get("expected") not in ("allow", "deny", None):
            problems.append(f"{where}.expected: {item.get('expected')!r}; use allow or deny")
        if missing or unknown or item.get("expected") not in ("allow", "deny"):
            continue
        out.append(Scenario(str(item["name"]), str(item["principal"]), str(item["action"]),
                            str(item["resource"]), str(item["expected"]), dict(item.get("context") or {}),
                            {str(k): str(v) for k, v in (item.get("session_tags") or {}).items()}))
    if problems:
        raise InputError("\n".join(problems))
    return out


# -- the derived catalogue -----------------------------------------------------------------------


@dataclass
class _Facts:
    """What the catalogue needs from the assembly."""

    assembly: Assembly
    stack: Stack
    persona_roles: dict[str, Role]
    users: list[dict[str, str]]
    execution_roles: dict[tuple[str, str], Role]
    resources: dict[str, str]  # construct-path suffix → ARN

    @property
    def account(self) -> str:
        return self.stack.account

    @property
    def region(self) -> str:
        return self.stack.region

    def sm(self, what: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account}:{what}"


def _find(assembly: Assembly, platform: list[Stack], prefix: str, rtype: str) -> str | None:
    for stack in platform:
        for lid, res in stack.resources.items():
            if lid.startswith(prefix) and res.get("Type") == rtype and lid[len(prefix):].isalnum():
                return assembly.ids.get(f"{stack.name}/{lid}")
    return None


def _facts(assembly: Assembly, platform: list[Stack]) -> _Facts:
    names = {s.name for s in platform}
    personas, execution = {}, {}
    for role in assembly.roles.values():
        if role.stack.name not in names:
            continue
        persona, team = role.tags.get("secure-ml:persona"), role.tags.get("team")
        if persona and "/people/" in role.arn:
            personas[persona] = role
        elif persona and team and "/execution/" in role.arn:
            execution[(persona, team)] = role
    users = []
    for stack in platform:
        for lid, res in stack.resources.items():
            if res.get("Type") == "AWS::SageMaker::UserProfile":
                props = assembly.resolve(stack, res.get("Properties") or {})
                tags = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
                users.append({"name": props.get("UserProfileName", lid), "domain": props.get("DomainId", ""),
                              "team": tags.get("team", ""), "persona": tags.get("secure-ml:persona", "")})
    resources = {}
    # logical ids come from construct paths, and are there when the path metadata is not
    for name, prefix, rtype in (("DataBucket", "DataBucket", "AWS::S3::Bucket"),
                                ("ArtifactsBucket", "ArtifactsBucket", "AWS::S3::Bucket"),
                                ("DataKey", "KeysDataKey", "AWS::KMS::Key"),
                                ("VolumesKey", "KeysVolumesKey", "AWS::KMS::Key"),
                                ("ArtifactsKey", "KeysArtifactsKey", "AWS::KMS::Key"),
                                ("S3Endpoint", "NetworkVpcS3Endpoint", "AWS::EC2::VPCEndpoint")):
        found = _find(assembly, platform, prefix, rtype)
        if found:
            resources[name] = found
    return _Facts(assembly, platform[0], personas, users, execution, resources)


def _platforms(assembly: Assembly) -> Iterator[list[Stack]]:
    """The stacks of each platform (one per account and region) that has personas."""
    groups: dict[tuple[str, str], list[Stack]] = {}
    for stack in assembly.stacks:
        groups.setdefault((stack.account, stack.region), []).append(stack)
    for stacks in groups.values():
        if any(s.name.endswith("Foundation") for s in stacks):
            yield stacks


def _job_context(facts: _Facts, team: str, **changes: Any) -> dict[str, Any]:
    """What the SageMaker Python SDK sends with the platform's SDK defaults (docs/studio.md)."""
    guard = facts.persona_roles.get("data-scientist")
    subnets, groups = [], []
    for policy in (guard.identity if guard else []):
        for statement in policy.statements():
            cond = statement.get("Condition", {}).get("ForAnyValue:StringNotEquals", {})
            subnets = cond.get("sagemaker:VpcSubnets", subnets)
            groups = cond.get("sagemaker:VpcSecurityGroupIds", groups)
    context: dict[str, Any] = {
        "aws:RequestTag/team": team, "aws:TagKeys": ["team"],
        "sagemaker:VpcSubnets": list(subnets), "sagemaker:VpcSecurityGroupIds": list(groups),
        "sagemaker:VolumeKmsKey": facts.resources.get("VolumesKey", "volume-key"),
        "sagemaker:OutputKmsKey": facts.resources.get("DataKey", "data-key"),
        "sagemaker:InstanceTypes": ["ml.m5.xlarge"], "sagemaker:NetworkIsolation": "true",
        "sagemaker:InterContainerTrafficEncryption": "true",
    }
    for key, value in changes.items():
        name = "sagemaker:" + key
        if value is None:
            context.pop(name, None)
        else:
            context[name] = value
    return context


def _studio(facts: _Facts, user: dict[str, str], other: dict[str, str]) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    execution = facts.execution_roles.get((user["persona"], user["team"]))
    tags = {"team": user["team"], "user": user["name"]}
    me, them = (facts.sm(f"user-profile/{u['domain']}/{u['name']}") for u in (user, other))
    if persona:
        yield Scenario(f"{user['name']} opens Studio (presigned URL) for their own profile", persona.arn,
                       "sagemaker:CreatePresignedDomainUrl", me, "allow", {}, tags, "studio")
        yield Scenario(f"{user['name']} opens Studio for {other['name']}'s profile", persona.arn,
                       "sagemaker:CreatePresignedDomainUrl", them, "deny", {}, tags, "studio")
    if not execution:
        return
    studio = {"sagemaker:DomainId": user["domain"], "sagemaker:UserProfileName": user["name"]}
    for app in ("JupyterLab", "CodeEditor"):
        space = facts.sm(f"space/{user['domain']}/{user['name']}-{app.lower()}")
        app_arn = facts.sm(f"app/{user['domain']}/{user['name']}-{app.lower()}/{app}/default")
        own = {**studio, "sagemaker:OwnerUserProfileArn": me, "sagemaker:SpaceSharingType": "Private"}
        yield Scenario(f"{user['name']} creates their private {app} space", execution.arn,
                       "sagemaker:CreateSpace", space, "allow", own, {}, "studio")
        yield Scenario(f"{user['name']} starts the {app} app in their private space", execution.arn,
                       "sagemaker:CreateApp", app_arn, "allow", own, {}, "studio")
        yield Scenario(f"{user['name']} creates a {app} space owned by {other['name']}", execution.arn,
                       "sagemaker:CreateSpace", space, "deny",
                       {**own, "sagemaker:OwnerUserProfileArn": them}, {}, "studio")
        yield Scenario(f"{user['name']} creates a shared {app} space", execution.arn, "sagemaker:CreateSpace",
                       space, "deny", {**own, "sagemaker:SpaceSharingType": "Shared"}, {}, "studio")


def _data(facts: _Facts, user: dict[str, str], other_team: str | None) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    bucket, key, vpce = (facts.resources.get(k) for k in ("DataBucket", "DataKey", "S3Endpoint"))
    if not (persona and bucket and key):
        return
    tags = {"team": user["team"], "user": user["name"]}
    inside = {"aws:SourceVpce": vpce} if vpce else {}
    via_s3 = {"kms:ViaService": f"s3.{facts.region}.amazonaws.com"}
    own = f"{bucket}/{user['team']}/features/part-0.parquet"
    name = user["name"]
    yield Scenario(f"{name} reads their team's data", persona.arn, "s3:GetObject", own, "allow", inside, tags, "data")
    yield Scenario(f"{name} decrypts their team's data through S3", persona.arn, "kms:Decrypt", key, "allow",
                   via_s3, tags, "data")
    if user["persona"] == "data-scientist":
        yield Scenario(f"{name} writes their team's data", persona.arn, "s3:PutObject", own, "allow", inside, tags,
                       "data")
    if other_team:
        theirs = f"{bucket}/{other_team}/features/part-0.parquet"
        yield Scenario(f"{name} reads team {other_team}'s data", persona.arn, "s3:GetObject", theirs, "deny",
                       inside, tags, "data")
        yield Scenario(f"{name} writes team {other_team}'s data", persona.arn, "s3:PutObject", theirs, "deny",
                       inside, tags, "data")
    yield Scenario(f"{name} reads their team's data without TLS", persona.arn, "s3:GetObject", own, "deny",
                   {**inside, "aws:SecureTransport": "false"}, tags, "always-denied")
    yield Scenario(f"{name} reads their team's data from outside the VPC endpoint", persona.arn, "s3:GetObject",
                   own, "deny", {"aws:SourceVpce": "vpce-0elsewhere"}, tags, "always-denied")


def _jobs(facts: _Facts, user: dict[str, str]) -> Iterator[Scenario]:
    persona = facts.persona_roles.get(user["persona"])
    if not persona or user["persona"] != "data-scientist":
        return
    tags = {"team": user["team"], "user": user["name"]}
    job = facts.sm(f"training-job/{user['team']}-churn-1")
    name, team = user["name"], user["team"]
    yield Scenario(f"{name} starts a training job with the SDK defaults", persona.arn, "sagemaker:CreateTrainingJob",
                   job, "allow", _job_context(facts, team), tags, "jobs")
    yield Scenario(f"{name} starts a processing job with the SDK defaults", persona.arn,
                   "sagemaker:CreateProcessingJob", facts.sm(f"processing-job/{team}-prep-1"), "allow",
                   _job_context(facts, team, NetworkIsolation=None, InterContainerTrafficEncryption=None),
                   tags, "jobs")
    for what, changes in (("without a VPC", {"VpcSubnets": None, "VpcSecurityGroupIds": None}),
                          ("without a volume KMS key", {"VolumeKmsKey": None}),
                          ("without an output KMS key", {"OutputKmsKey": None}),
                          ("without network isolation", {"NetworkIsolation": "false"})):
        yield Scenario(f"{name} starts a training job {what}", persona.arn, "sagemaker:CreateTrainingJob", job,
                       "deny", _job_context(facts, team, **changes), tags, "jobs")
    execution = facts.execution_roles.get((user["persona"], team))
    if execution:
        yield Scenario(f"{name} passes their team's execution role to SageMaker", persona.arn, "iam:PassRole",
                       execution.arn, "allow", {"iam:PassedToService": "sagemaker.amazonaws.com"}, tags, "jobs")
    for (persona_name, other_team), role in facts.execution_roles.items():
        if persona_name == user["persona"] and other_team != team:
            yield Scenario(f"{name} passes team {other_team}'s execution role", persona.arn, "iam:PassRole",
                           role.arn, "deny", {"iam:PassedToService": "sagemaker.amazonaws.com"}, tags, "jobs")
            break


def _serving(facts: _Facts, users: list[dict[str, str]]) -> Iterator[Scenario]:
    assembly = facts.assembly
    for stack in assembly.stacks:
        if stack.account != facts.account or stack.region != facts.region:
            continue
        for lid, res in stack.resources.items():
            if res.get("Type") != "AWS::SageMaker::Endpoint":
                continue
            endpoint = assembly.ids[f"{stack.name}/{lid}"]
            team = assembly.tags.get(endpoint, {}).get("team", "")
            tags = {"aws:RequestTag/team": team, "aws:TagKeys": ["team"]}
            for user in users:
                persona = facts.persona_roles.get(user["persona"])
                if not persona or user["team"] != team:
                    continue
                session = {"team": user["team"], "user": user["name"]}
                deploys = "allow" if user["persona"] == "ml-engineer" else "deny"
                yield Scenario(f"{user['name']} ({user['persona']}) deploys an endpoint", persona.arn,
                               "sagemaker:CreateEndpoint", endpoint, deploys, tags, session, "serving")
                if user["persona"] == "ml-engineer":
                    yield Scenario(f"{user['name']} registers a model version", persona.arn,
                                   "sagemaker:CreateModelPackage", facts.sm(f"model-package/{team}-churn/1"),
                                   "allow", tags, session, "serving")
            consumer = facts.persona_roles.get("model-consumer")
            if consumer:
                yield Scenario(f"the model consumer invokes an endpoint it was not given", consumer.arn,
                               "sagemaker:InvokeEndpoint", facts.sm("endpoint/someone-elses"), "deny", {}, {},
                               "serving")
            yield from _serving_roles(facts, stack, endpoint)


def _serving_roles(facts: _Facts, stack: Stack, endpoint: str) -> Iterator[Scenario]:
    assembly = facts.assembly
    for lid, res in stack.resources.items():
        props = assembly.resolve(stack, res.get("Properties") or {})
        if res.get("Type") == "AWS::SageMaker::Model":
            url = str(props.get("PrimaryContainer", {}).get("ModelDataUrl", ""))
            role = props.get("ExecutionRoleArn")
            if url.startswith("s3://") and role in assembly.roles:
                artifact = "arn:aws:s3:::" + url.removeprefix("s3://")
                yield Scenario(f"the endpoint's execution role reads its model artifact", role, "s3:GetObject",
                               artifact, "allow", _vpce(facts), {}, "serving")
                team = artifact.split("/")[1] if "/" in artifact else ""
                uploader = facts.execution_roles.get(("ml-engineer", team))
                if uploader:  # Studio's path for an ML engineer (the pipeline's in a delivery account)
                    yield Scenario(f"team {team}'s ml-engineer execution role uploads the endpoint's model artifact",
                                   uploader.arn, "s3:PutObject", artifact, "allow", _vpce(facts), {}, "serving")
        if res.get("Type") == "AWS::SageMaker::DataQualityJobDefinition":
            role = props.get("RoleArn")
            outputs = props.get("DataQualityJobOutputConfig", {}).get("MonitoringOutputs", [])
            for output in outputs:
                uri = str(output.get("S3Output", {}).get("S3Uri", ""))
                if uri.startswith("s3://") and role in assembly.roles:
                    report = "arn:aws:s3:::" + uri.removeprefix("s3://") + "/2026/report.json"
                    yield Scenario("Model Monitor writes its report", role, "s3:PutObject", report, "allow",
                                   _vpce(facts), {}, "serving")
                    bucket_root = report.split("/", 1)[0]
                    capture = f"{bucket_root}/{report.split('/')[1]}/data-capture/" + endpoint.rsplit("/", 1)[-1]
                    yield Scenario("Model Monitor reads the captured data", role, "s3:GetObject",
                                   capture + "/AllTraffic/2026/11/30/00/capture.jsonl", "allow", _vpce(facts), {},
                                   "serving")


def _vpce(facts: _Facts) -> dict[str, Any]:
    vpce = facts.resources.get("S3Endpoint")
    return {"aws:SourceVpce": vpce} if vpce else {}


def _services(facts: _Facts) -> Iterator[Scenario]:  # noqa: C901 - one delivery path per branch
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
                    yield Scenario(f"a CloudWatch alarm publishes to {topic.rsplit(':', 1)[-1]}",
                                   "cloudwatch.amazonaws.com", "sns:Publish", topic, "allow",
                                   {**source, "aws:SourceArn": alarm}, {}, "service")
            if rtype == "AWS::Events::Rule":
                for target in props.get("Targets", [])[:1]:
                    if ":sns:" in str(target.get("Arn")) and ("events", target["Arn"]) not in seen:
                        seen.add(("events", target["Arn"]))
                        yield Scenario(f"EventBridge ({lid}) publishes to {target['Arn'].rsplit(':', 1)[-1]}", "events.amazonaws.com",
                                       "sns:Publish", target["Arn"], "allow",
                                       {**source, "aws:SourceArn": f"arn:aws:events:{region}:{account}:rule/{lid}"},
                                       {}, "service")
                        break
            if rtype == "AWS::SNS::Topic" and props.get("KmsMasterKeyId"):
                key = str(props["KmsMasterKeyId"])
                yield from _topic_key(facts, stack, lid, key)
            if rtype == "AWS::CloudTrail::Trail":
                bucket = f"arn:aws:s3:::{props.get('S3BucketName')}"
                trail = f"arn:aws:cloudtrail:{region}:{account}:trail/{props.get('TrailName', lid)}"
                yield Scenario("CloudTrail checks the trail bucket's ACL", "cloudtrail.amazonaws.com",
                               "s3:GetBucketAcl", bucket, "allow", {**source, "aws:SourceArn": trail}, {}, "service")
                yield Scenario("CloudTrail delivers log files", "cloudtrail.amazonaws.com", "s3:PutObject",
                               f"{bucket}/AWSLogs/{account}/CloudTrail/{region}/2026/11/30/log.json.gz", "allow",
                               {**source, "aws:SourceArn": trail, "s3:x-amz-acl": "bucket-owner-full-control"},
                               {}, "service")
                for persona, role in sorted(facts.persona_roles.items()):
                    yield Scenario(f"the {persona} role stops the trail", role.arn, "cloudtrail:StopLogging",
                                   trail, "deny", {}, {"team": "research", "user": "someone"}, "always-denied")
            if rtype == "AWS::Config::DeliveryChannel":
                bucket = f"arn:aws:s3:::{props.get('S3BucketName')}"
                for rec in stack.resources.values():
                    if rec.get("Type") == "AWS::Config::ConfigurationRecorder":
                        role = assembly.resolve(stack, rec.get("Properties", {}).get("RoleARN"))
                        if role in assembly.roles:
                            yield Scenario("Config delivers a snapshot through the recorder role", role,
                                           "s3:PutObject", f"{bucket}/AWSLogs/{account}/Config/{region}/snapshot.json.gz",
                                           "allow", {"s3:x-amz-acl": "bucket-owner-full-control"}, {}, "service")
                            yield Scenario("Config checks the delivery bucket's ACL through the recorder role",
                                           role, "s3:GetBucketAcl", bucket, "allow", {}, {}, "service")
    for (persona, team), role in sorted(facts.execution_roles.items())[:1]:
        volumes = facts.resources.get("VolumesKey")
        if volumes:
            yield Scenario(f"SageMaker ({persona} {team} execution role) uses the volume key", role.arn,
                           "kms:CreateGrant", volumes, "allow",
                           {"kms:ViaService": f"sagemaker.{region}.amazonaws.com", "kms:GrantIsForAWSResource": "true"},
                           {}, "service")
        data = facts.resources.get("DataKey")
        if data:
            yield Scenario(f"SageMaker ({persona} {team} execution role) writes with the data key", role.arn,
                           "kms:GenerateDataKey", data, "allow",
                           {"kms:ViaService": f"s3.{region}.amazonaws.com"}, {}, "service")


def _topic_key(facts: _Facts, stack: Stack, topic_lid: str, key: str) -> Iterator[Scenario]:
    assembly = facts.assembly
    publishers = set()
    for res in stack.resources.values():
        props = assembly.resolve(stack, res.get("Properties") or {})
        if res.get("Type") == "AWS::CloudWatch::Alarm":
            publishers.add("cloudwatch.amazonaws.com")
        if res.get("Type") == "AWS::Events::Rule" and any(":sns:" in str(t.get("Arn")) for t in props.get("Targets", [])):
            publishers.add("events.amazonaws.com")
    for service in sorted(publishers):
        yield Scenario(f"{service.split('.')[0]} encrypts for topic {topic_lid} with its key", service,
                       "kms:GenerateDataKey", key, "allow", {"aws:SourceAccount": facts.account}, {}, "service")


def derive(assembly: Assembly) -> list[Scenario]:
    """The catalogue of ``assembly`` (see the module docstring), in a stable order."""
    out: list[Scenario] = []
    for platform in _platforms(assembly):
        facts = _facts(assembly, platform)
        teams = sorted({u["team"] for u in facts.users})
        for user in facts.users:
            others = [u for u in facts.users if u["name"] != user["name"]]
            other = next((u for u in others if u["team"] != user["team"]), others[0] if others else None)
            if other:
                out += _studio(facts, user, other)
            out += _data(facts, user, next((t for t in teams if t != user["team"]), None))
            out += _jobs(facts, user)
        out += _serving(facts, facts.users)
        out += _services(facts)
    return out
