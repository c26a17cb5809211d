"""Studio space rules (SML-NET-18..20, SML-IAM-11): the domain's default space settings and Docker
access, and each space's remote access, ownership and sharing (issue 14 kind 5, issue 16 item 1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..intrinsics import Unresolved, describe
from ..rule import MISSING, Violation, as_list, cannot_verify, fail, get, refers_to, require_set, rule, warn
from ..template import Resource, Template
from ._types import DOMAIN, SPACE

API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/"


def _domain_of(space: Resource, template: Template) -> Resource | None:
    domain_id = get(space.properties, "DomainId")
    for domain in template.of_type(DOMAIN):
        if refers_to(domain_id, domain.logical_id):
            return domain
    return None


def _sharing_type(space: Resource) -> Any:
    return get(space.properties, "SpaceSharingSettings.SharingType")


@rule(
    "SML-NET-18", "error", "Shared spaces get an execution role and security groups from the domain",
    types=(DOMAIN,),
    rationale="""DefaultSpaceSettings applies to shared spaces only (private spaces take the user's
    settings). A domain that sets it, or has shared spaces in the same template, must name the execution
    role and, when VpcOnly, the ML security groups, so shared spaces do not run with a broader role or
    without the workload security group.""",
    remediation="""Set DefaultSpaceSettings.ExecutionRole (the team's space role) and
    DefaultSpaceSettings.SecurityGroups (the ML workload security group).""",
    references=(f"{API}API_DefaultSpaceSettings.html",),
)  # fmt: skip
def default_space_settings(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    settings = get(props, "DefaultSpaceSettings")
    shared = [
        s.logical_id for s in template.of_type(SPACE)
        if _domain_of(s, template) is resource and _sharing_type(s) == "Shared"
    ]  # fmt: skip
    if settings is MISSING and not shared:
        return
    if isinstance(settings, Unresolved):
        yield cannot_verify(f"DefaultSpaceSettings is {settings.expr}")
        return
    why = f"shared space(s) {', '.join(shared)} use it" if shared else "shared spaces use it"
    yield from require_set(props, "DefaultSpaceSettings.ExecutionRole", why=why)
    network = get(props, "AppNetworkAccessType")
    if network == "VpcOnly":
        yield from require_set(props, "DefaultSpaceSettings.SecurityGroups", why=why)
    elif isinstance(network, Unresolved):
        yield cannot_verify(
            f"AppNetworkAccessType is {network.expr}; DefaultSpaceSettings.SecurityGroups not checked"
        )


@rule(
    "SML-NET-19", "warning", "Studio Docker access is off, or a deliberate, acknowledged choice",
    types=(DOMAIN,),
    rationale="""DomainSettings.DockerSettings.EnableDockerAccess ENABLED lets the domain's apps use
    Docker: users build and run containers beside their notebooks, from images of the accounts listed in
    VpcOnlyTrustedAccounts in VpcOnly mode. That is a supply-chain and isolation decision for the
    platform team, not a default.""",
    remediation="""Leave EnableDockerAccess unset or DISABLED; if a team needs local mode, acknowledge this
    rule on the domain with the reason and list only your own accounts in VpcOnlyTrustedAccounts.""",
    references=(f"{API}API_DockerSettings.html",),
)  # fmt: skip
def docker_access(resource: Resource, template: Template) -> Iterator[Violation]:
    docker = get(resource.properties, "DomainSettings.DockerSettings")
    if docker is MISSING:
        return
    if isinstance(docker, Unresolved):
        yield cannot_verify(f"DomainSettings.DockerSettings is {docker.expr}")
        return
    enabled = get(docker, "EnableDockerAccess")
    if isinstance(enabled, Unresolved):
        yield cannot_verify(f"DockerSettings.EnableDockerAccess is {enabled.expr}")
    elif enabled == "ENABLED":
        trusted = get(docker, "VpcOnlyTrustedAccounts")
        listed = ", ".join(map(describe, as_list(trusted)))
        if isinstance(trusted, Unresolved):
            listed = "unresolvable"
        yield fail(f"EnableDockerAccess is ENABLED (VpcOnlyTrustedAccounts: {listed or 'none'})")


@rule(
    "SML-NET-20", "error", "Spaces do not allow remote IDE connections",
    types=(SPACE,),
    rationale="""SpaceSettings.RemoteAccess ENABLED lets a local IDE connect to the space. AWS documents
    that these connections authenticate with IAM credentials, not with IAM Identity Center, even in an
    Identity Center domain, and that the RemoteAccess condition key is the way to opt out.""",
    remediation="""Leave SpaceSettings.RemoteAccess unset or DISABLED (the sagemaker-network SCP denies
    creating or updating a space with it ENABLED).""",
    references=(
        "https://docs.aws.amazon.com/sagemaker/latest/dg/remote-access-remote-setup.html",
        f"{API}API_SpaceSettings.html",
    ),
)  # fmt: skip
def space_remote_access(resource: Resource, template: Template) -> Iterator[Violation]:
    value = get(resource.properties, "SpaceSettings.RemoteAccess")
    if isinstance(value, Unresolved):
        yield cannot_verify(f"SpaceSettings.RemoteAccess is {value.expr}")
    elif value == "ENABLED":
        yield fail("SpaceSettings.RemoteAccess is ENABLED: local IDEs connect with IAM credentials")


@rule(
    "SML-IAM-11", "warning", "Spaces are private to one owner unless shared on purpose",
    types=(SPACE,),
    rationale="""The platform gives each user private spaces (SharingType Private, with an owner user
    profile); the execution roles' space permissions are scoped by sagemaker:OwnerUserProfileArn and
    sagemaker:SpaceSharingType. A shared space is open to the domain's other users: a team space must be
    a deliberate, acknowledged choice.""",
    remediation="""Set SpaceSharingSettings.SharingType: Private and OwnershipSettings.OwnerUserProfileName;
    for a team space, acknowledge this rule with the reason (the team's ABAC tag).""",
    references=(f"{API}API_SpaceSharingSettings.html", f"{API}API_OwnershipSettings.html"),
)  # fmt: skip
def space_private(resource: Resource, template: Template) -> Iterator[Violation]:
    sharing = _sharing_type(resource)
    owner = get(resource.properties, "OwnershipSettings.OwnerUserProfileName")
    if sharing is MISSING:
        yield warn("SpaceSharingSettings.SharingType is not set; expected Private with an owner")
    elif isinstance(sharing, Unresolved):
        yield cannot_verify(f"SpaceSharingSettings.SharingType is {sharing.expr}")
    elif sharing == "Shared":
        yield warn("SpaceSharingSettings.SharingType is Shared: other users of the domain can open it")
    if sharing == "Private" and owner is MISSING:
        yield fail("a Private space without OwnershipSettings.OwnerUserProfileName has no owner")
