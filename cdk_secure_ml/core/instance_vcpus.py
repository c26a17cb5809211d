"""vCPUs of a SageMaker ML instance type, to scale CPU alarms and CPU target tracking.

SageMaker reports an endpoint's ``CPUUtilization`` as the sum over the instance's vCPUs, 0-100 % each: 0-400 %
on a 4-vCPU ``ml.m4.xlarge`` (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html;
https://repost.aws/knowledge-center/sagemaker-cpu-gpu-utilization-100). A threshold of "80 % of the
instance" is therefore ``80 * vcpus``.

An ``ml.<family>.<size>`` type has the vCPUs of the EC2 type ``<family>.<size>`` (the re:Post article's
examples: ``ml.m4.xlarge`` 4, ``ml.p3.8xlarge`` 32). EC2 sizes follow one rule, ``large`` = 2 vCPUs and
``<n>xlarge`` = 4 x n, with the exceptions listed below; each value is from the EC2 instance type
specifications (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html). CDK-free: the emulator may use it.
"""

from __future__ import annotations

import re

_SIZE_RE = re.compile(r"^(?:(\d+)?xlarge|large|medium)$")

#: Types whose vCPUs break the size rule (EC2 instance type specifications).
VCPU_EXCEPTIONS: dict[str, int] = {
    # burstable: medium has 2 vCPUs (gp.html, T2/T3/T3a)
    "t2.medium": 2, "t3.medium": 2, "t3a.medium": 2,
    # c4.8xlarge has 36, not 32 (co.html, C4)
    "c4.8xlarge": 36,
}


def vcpus(instance_type: str) -> int:
    """vCPUs of ``ml.<family>.<size>`` (``ml.m5.large`` → 2, ``ml.c5.9xlarge`` → 36).

    :raises ValueError: naming the type when its size is not ``medium``, ``large`` or ``[<n>]xlarge``.
    """
    parts = instance_type.split(".")
    if len(parts) != 3 or parts[0] != "ml":
        raise ValueError(f"{instance_type!r} is not a SageMaker instance type (ml.<family>.<size>)")
    family, size = parts[1], parts[2]
    exception = VCPU_EXCEPTIONS.get(f"{family}.{size}")
    if exception is not None:
        return exception
    match = _SIZE_RE.match(size)
    if match is None:
        raise ValueError(
            f"the vCPUs of {instance_type!r} are not known (size {size!r} is not medium, large or "
            "<n>xlarge); set cpu_utilization_percent and cpu_target_percent to None (null in YAML) and add "
            "your own CPU alarm and policy, or add the type to cdk_secure_ml/core/instance_vcpus.py with its "
            "EC2 specification")
    if size == "medium":
        return 1  # Graviton medium sizes (m6g/c6g/r6g/c7g .medium): 1 vCPU
    if size == "large":
        return 2
    return 4 * int(match.group(1) or 1)
