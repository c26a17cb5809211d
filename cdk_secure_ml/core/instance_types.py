"""SageMaker ML instance types: which families carry local NVMe instance storage.

One table serves the endpoint construct, the guardrails, the SCPs, the SDK defaults, the rules and the
emulator: SageMaker refuses a KMS key for the storage volume of these families, because their instance
store is encrypted by the hardware (``CreateEndpointConfig`` ``KmsKeyId``; ``ResourceConfig``
``VolumeKmsKeyId``).
"""

from __future__ import annotations

#: Instance families with local NVMe instance storage (``ml.<family>.<size>``): the families SageMaker
#: offers (botocore's instance-type enums) whose EC2 types report ``InstanceStorageSupported``
#: (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceTypeInfo.html);
#: tests/core/test_instance_types.py checks the table against EC2's DescribeInstanceTypes data that moto
#: ships. Inf2 and Inf1 are EBS-only. dl1, p2, p3 and p6e-gb200 are not in that data: dl1 (retired) and the
#: p6e UltraServers are left out until they can be checked; p2 and p3 are EBS-only.
INSTANCE_STORE_FAMILIES: tuple[str, ...] = (
    "c5d", "c6gd", "g4dn", "g5", "g6", "g6e", "g7", "g7e", "m5d", "m6gd", "p3dn", "p4d", "p4de", "p5", "p5e",
    "p5en", "p6-b200", "p6-b300", "r5d", "r6gd", "r7gd", "trn1", "trn1n", "trn2",
)


def instance_family(instance_type: str) -> str | None:
    """``ml.g5.xlarge`` → ``g5``; None for anything that is not ``ml.<family>.<size>``."""
    parts = instance_type.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "ml" else None


def has_instance_storage(instance_type: str) -> bool:
    """True when ``instance_type`` (``ml.<family>.<size>``) is of an instance-store family."""
    return instance_family(instance_type) in INSTANCE_STORE_FAMILIES


def instance_store_patterns() -> list[str]:
    """The instance-store families as IAM ``StringLike`` patterns on ``sagemaker:InstanceTypes``
    (``ml.g5.*``, ...): the guardrails and the encryption SCP exempt these types from the volume-key
    requirement, because SageMaker refuses a volume key for them."""
    return [f"ml.{family}.*" for family in INSTANCE_STORE_FAMILIES]
