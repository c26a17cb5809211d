"""Studio spaces: the domain's space storage settings and each user's private JupyterLab / Code Editor spaces
(``AWS::SageMaker::Space``).

A private space runs with its owner's execution role and takes the owner's user settings (idle shutdown,
the team's SDK-defaults lifecycle configurations); ``DefaultSpaceSettings`` applies to shared spaces only
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultSpaceSettings.html), which the
platform's guardrails deny. Users keep the permissions to create, start and delete more private spaces of
their own (``ManageOwnPrivateSpaces``, :mod:`cdk_secure_ml.constructs.identity.statements`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from aws_cdk import RemovalPolicy, Stack, Tags, Token
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.studio import ABAC_TAG_PRIORITY, IDLE_TIMEOUT_RANGE, SecureStudioDomain

__all__ = ["add_private_spaces", "apply_space_storage_defaults", "private_space_name", "SPACE_APP_SHORT"]

#: App type -> the suffix of the private space's name (``<user>-jl``, ``<user>-ce``).
SPACE_APP_SHORT: Mapping[str, str] = {"JupyterLab": "jl", "CodeEditor": "ce"}
#: A space name is at most 63 characters
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-space.html).
SPACE_NAME_LIMIT = 63
#: SageMaker's bounds for space EBS volumes, GiB
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html).
EBS_SIZE_RANGE_GIB = (5, 16384)


def private_space_name(user_name: str, app_type: str) -> str:
    """``<user>-<jl|ce>``; a user name too long for that is cut and a digest of the whole name added, so
    two long names never share a space name.

    :raises ValueError: ``app_type`` is not JupyterLab or CodeEditor.
    """
    if app_type not in SPACE_APP_SHORT:
        raise ValueError(f"app type {app_type!r} has no private space; use one of {list(SPACE_APP_SHORT)}")
    name = f"{user_name}-{SPACE_APP_SHORT[app_type]}"
    if len(name) <= SPACE_NAME_LIMIT:
        return name
    digest = hashlib.sha256(user_name.encode()).hexdigest()[:8]
    tail = f"-{digest}-{SPACE_APP_SHORT[app_type]}"
    return user_name[:SPACE_NAME_LIMIT - len(tail)].rstrip("-") + tail


def _check_sizes(*sizes: tuple[str, int]) -> None:
    low, high = EBS_SIZE_RANGE_GIB
    bad = [f"{name} {size}" for name, size in sizes if not low <= size <= high]
    if bad:
        raise ValueError(f"{', '.join(bad)} outside SageMaker's {low}-{high} GiB for space EBS volumes")


def apply_space_storage_defaults(
    domain: SecureStudioDomain, *, default_gib: int = 5, maximum_gib: int = 100
) -> None:
    """Set the EBS size of new spaces and the largest a user may choose, on the domain's
    ``DefaultUserSettings`` (private spaces) and ``DefaultSpaceSettings`` (shared ones, which the guardrails
    deny), and idle shutdown on ``DefaultSpaceSettings.JupyterLabAppSettings`` as on the users' apps.

    Property overrides, not constructor arguments: the domain construct is at its size limit and these
    settings belong to spaces. The volumes are encrypted with the domain's ``KmsKeyId``.

    :param default_gib, maximum_gib: 5-16384 GiB, default at most maximum.
    :raises ValueError: a size outside 5-16384 or a default above the maximum, naming both.
    """
    _check_sizes(("default_gib", default_gib), ("maximum_gib", maximum_gib))
    if default_gib > maximum_gib:
        raise ValueError(f"default_gib {default_gib} is above maximum_gib {maximum_gib}; SageMaker refuses a "
                         "space larger than the domain's maximum")
    storage = {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": default_gib,
                                             "MaximumEbsVolumeSizeInGb": maximum_gib}}
    low, _ = IDLE_TIMEOUT_RANGE
    timeout = domain.idle_timeout_minutes
    cfn = domain.domain
    cfn.add_property_override("DefaultUserSettings.SpaceStorageSettings", storage)
    cfn.add_property_override("DefaultSpaceSettings.SpaceStorageSettings", storage)
    cfn.add_property_override("DefaultSpaceSettings.JupyterLabAppSettings.AppLifecycleManagement", {
        "IdleSettings": {"LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": timeout,
                         "MinIdleTimeoutInMinutes": low, "MaxIdleTimeoutInMinutes": max(timeout, low)},
    })


def add_private_spaces(
    scope: Construct,
    *,
    domain: SecureStudioDomain,
    profile: sagemaker.CfnUserProfile,
    user_name: str,
    app_types: Sequence[str],
    ebs_volume_size_gib: int = 5,
    tags: Mapping[str, str] = {},
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
) -> dict[str, sagemaker.CfnSpace]:
    """One private space per app type owned by ``profile``, in ``scope``'s stack (the profile's), created
    after the profile. Construct ids ``Space<User><AppType>``; names :func:`private_space_name`.

    Each space: ``SpaceSharingSettings.SharingType=Private``, ``OwnershipSettings.OwnerUserProfileName``
    the user, ``SpaceSettings.AppType`` and an EBS volume of ``ebs_volume_size_gib`` GiB. Idle shutdown and
    the SDK-defaults lifecycle configurations come from the owner's user settings, which SageMaker applies
    to private spaces
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html); the
    CloudFormation schema of a space has no AppLifecycleManagement (cfn-lint refuses it). Tagged with
    ``tags`` at ABAC priority (the profile's team, owner and persona tags, so the
    space's tags agree with its owner's role). Retained: its EBS volume holds the user's work; teardown
    (``secure-ml teardown-studio``) deletes spaces before profiles.

    :param app_types: ``JupyterLab`` and/or ``CodeEditor``, each at most once.
    :param ebs_volume_size_gib: 5-16384 GiB, at most the domain's maximum.
    :raises ValueError: an unknown or repeated app type, a size outside 5-16384, a profile in another
        stack than ``scope`` (the dependency would cross stacks).
    """
    repeated = sorted({t for t in app_types if list(app_types).count(t) > 1})
    if repeated:
        raise ValueError(f"private spaces of {user_name!r}: app type(s) {repeated} listed twice")
    _check_sizes(("ebs_volume_size_gib", ebs_volume_size_gib))
    if Stack.of(profile) is not Stack.of(scope):
        raise ValueError(f"private spaces of {user_name!r}: create them in the profile's stack "
                         f"{Stack.of(profile).node.path!r}, not {Stack.of(scope).node.path!r}")
    spaces: dict[str, sagemaker.CfnSpace] = {}
    for app_type in app_types:
        name = private_space_name(user_name, app_type)
        user_id = pascal_case(user_name) if not Token.is_unresolved(user_name) else "User"
        space = sagemaker.CfnSpace(
            scope,
            f"Space{user_id}{app_type}",
            domain_id=domain.domain_id,
            space_name=name,
            space_display_name=f"{user_name} {'JupyterLab' if app_type == 'JupyterLab' else 'Code Editor'}",
            ownership_settings=sagemaker.CfnSpace.OwnershipSettingsProperty(owner_user_profile_name=user_name),
            space_sharing_settings=sagemaker.CfnSpace.SpaceSharingSettingsProperty(sharing_type="Private"),
            space_settings=sagemaker.CfnSpace.SpaceSettingsProperty(
                app_type=app_type,
                space_storage_settings=sagemaker.CfnSpace.SpaceStorageSettingsProperty(
                    ebs_storage_settings=sagemaker.CfnSpace.EbsStorageSettingsProperty(
                        ebs_volume_size_in_gb=ebs_volume_size_gib)),
            ),
        )
        # The owner must exist first; the profile's name is a plain string, so say so.
        space.node.add_dependency(profile)
        for key, value in tags.items():
            Tags.of(space).add(key, value, priority=ABAC_TAG_PRIORITY)
        space.apply_removal_policy(removal_policy)
        spaces[app_type] = space
    return spaces
