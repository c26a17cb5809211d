"""What the live audit reads in a Studio space (``DescribeSpace``); the calls stay in :mod:`.audit` (its IAM
actions are derived from that module's source), the reading of their answers is here.

- ``SML-STUDIO-101``: a space is private. A shared space runs with the domain's one space default
  execution role (``DefaultSpaceSettings``) whichever team opens it
  (https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html); the platform lets no
  team create one (``DenySharedSpaces``, ``studio.spaces.shared_teams`` is refused), so one that exists was
  made outside the platform's roles.
- ``SML-STUDIO-102``: a private space has an owner profile, whose execution role and user settings it runs
  with (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html).
- ``SML-STUDIO-103``: a space's EBS volume is no larger than the domain's maximum for spaces
  (``MaximumEbsVolumeSizeInGb``), which the platform sets: a larger one predates or bypasses that limit.
"""

from __future__ import annotations

from typing import Any

__all__ = ["space_problems"]


def _maximum(domain: dict[str, Any], sharing: str) -> int | None:
    key = "DefaultUserSettings" if sharing == "Private" else "DefaultSpaceSettings"
    storage = (domain.get(key) or {}).get("SpaceStorageSettings") or {}
    value = (storage.get("DefaultEbsStorageSettings") or {}).get("MaximumEbsVolumeSizeInGb")
    return None if value is None else int(value)


def space_problems(space: dict[str, Any], domain: dict[str, Any]) -> dict[str, list[str]]:
    """Rule id -> problems ("" for none) of ``space`` (DescribeSpace's answer) in ``domain``
    (DescribeDomain's answer)."""
    sharing = (space.get("SpaceSharingSettings") or {}).get("SharingType") or "Private"
    owner = (space.get("OwnershipSettings") or {}).get("OwnerUserProfileName")
    settings = space.get("SpaceSettings") or {}
    size = ((settings.get("SpaceStorageSettings") or {}).get("EbsStorageSettings") or {}).get(
        "EbsVolumeSizeInGb")
    maximum = _maximum(domain, sharing)
    return {
        "SML-STUDIO-101": [
            f"the space is {sharing}: it runs with the domain's space default execution role for every team"
            if sharing != "Private" else ""
        ],
        "SML-STUDIO-102": ["the private space has no owner user profile" if sharing == "Private" and not owner
                           else ""],
        "SML-STUDIO-103": [
            f"EbsVolumeSizeInGb is {size}, above the domain's MaximumEbsVolumeSizeInGb {maximum}"
            if size is not None and maximum is not None and int(size) > maximum else ""
        ],
    }
