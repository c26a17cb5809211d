"""What the scenario catalogue reads from an assembly: each platform's persona and execution roles, Studio
users, buckets, keys and S3 endpoint (found by logical id, which CDK derives from the construct path)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .assembly import Assembly, Role, Stack

__all__ = ["Facts", "facts", "platforms", "vpce"]


@dataclass
class Facts:
    """What the catalogue needs from the assembly."""

    assembly: Assembly
    stack: Stack
    persona_roles: dict[str, Role]
    users: list[dict[str, str]]
    execution_roles: dict[tuple[str, str], Role]
    resources: dict[str, str]  # short name (DataBucket, VolumesKey, ...) → ARN or id
    subnets: list[str] = field(default_factory=list)  # the Studio domain's, which the SDK defaults use
    security_groups: list[str] = field(default_factory=list)
    team_key: str = "team"  # the session tag keys of the persona setup (identity.team_tag_key, user_tag_key)
    user_key: str = "user"
    # the config's identity.consumer_endpoint_names (endpoints the model consumer was given); None: unknown
    consumer_endpoints: list[str] | None = None

    def session(self, user: dict[str, str]) -> dict[str, str]:
        """The session tags the identity provider sets for ``user`` (docs/identity.md)."""
        return {self.team_key: user["team"], self.user_key: user["name"]}

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
            if lid.startswith(prefix) and res.get("Type") == rtype and lid[len(prefix) :].isalnum():
                return assembly.ids.get(f"{stack.name}/{lid}")
    return None


def facts(
    assembly: Assembly,
    platform: list[Stack],
    team_key: str = "team",
    user_key: str = "user",
    consumer_endpoints: list[str] | None = None,
) -> Facts:
    names = {s.name for s in platform}
    personas, execution = {}, {}
    for role in assembly.roles.values():
        if role.stack.name not in names:
            continue
        persona, team = role.tags.get("secure-ml:persona"), role.tags.get(team_key)
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
                users.append(
                    {
                        "name": props.get("UserProfileName", lid),
                        "domain": props.get("DomainId", ""),
                        "team": tags.get(team_key, ""),
                        "persona": tags.get("secure-ml:persona", ""),
                    }
                )
    resources = {}
    # logical ids come from construct paths, and are there when the path metadata is not
    for name, prefix, rtype in (
        ("DataBucket", "DataBucket", "AWS::S3::Bucket"),
        ("ArtifactsBucket", "ArtifactsBucket", "AWS::S3::Bucket"),
        ("DataKey", "KeysDataKey", "AWS::KMS::Key"),
        ("VolumesKey", "KeysVolumesKey", "AWS::KMS::Key"),
        ("ArtifactsKey", "KeysArtifactsKey", "AWS::KMS::Key"),
        ("S3Endpoint", "NetworkVpcS3Endpoint", "AWS::EC2::VPCEndpoint"),
    ):
        found = _find(assembly, platform, prefix, rtype)
        if found:
            resources[name] = found
    out = Facts(
        assembly,
        platform[0],
        personas,
        users,
        execution,
        resources,
        team_key=team_key,
        user_key=user_key,
        consumer_endpoints=consumer_endpoints,
    )
    _read_domain(assembly, platform, out)
    return out


def _read_domain(assembly: Assembly, platform: list[Stack], out: Facts) -> None:
    for stack in platform:
        for res in stack.resources.values():
            if res.get("Type") == "AWS::SageMaker::Domain":
                props = assembly.resolve(stack, res.get("Properties") or {})
                out.subnets = [str(s) for s in props.get("SubnetIds", [])]
                groups = props.get("DefaultUserSettings", {}).get("SecurityGroups", [])
                out.security_groups = [str(g) for g in groups]


def platforms(assembly: Assembly) -> Iterator[list[Stack]]:
    """The stacks of each platform (one per account and region) that has personas."""
    groups: dict[tuple[str, str], list[Stack]] = {}
    for stack in assembly.stacks:
        groups.setdefault((stack.account, stack.region), []).append(stack)
    for stacks in groups.values():
        if any(s.name.endswith("Foundation") for s in stacks):
            yield stacks


def vpce(facts: Facts) -> dict[str, Any]:
    vpce = facts.resources.get("S3Endpoint")
    return {"aws:SourceVpce": vpce} if vpce else {}
