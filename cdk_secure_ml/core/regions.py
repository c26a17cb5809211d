"""The AWS regions the platform accepts, from botocore's bundled endpoint data (no network call)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Regions of the commercial, GovCloud and China partitions, from botocore's bundled endpoint data.

    :returns: region codes such as ``us-east-1``; a region AWS launched after the installed botocore is
        missing until botocore is upgraded.
    """
    import boto3  # local import: only validation needs it

    session = boto3.session.Session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(regions)
