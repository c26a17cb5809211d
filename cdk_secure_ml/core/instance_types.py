"""SageMaker ML instance types: which families carry local NVMe instance storage.

One table serves the endpoint construct, the guardrails, the SCPs, the SDK defaults, the rules and the
emulator: SageMaker refuses a KMS key for the storage volume of these families, because their instance
store is encrypted by the hardware (``CreateEndpointConfig`` ``KmsKeyId``; ``ResourceConfig``
``VolumeKmsKeyId``).
"""

from __future__ import annotations

#: Instance families with local NVMe instance storage (``ml.<family>.<size>``).
INSTANCE_STORE_FAMILIES: tuple[str, ...] = (
    "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "m5d", "c5d", "r5d", "inf2", "trn1",
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
