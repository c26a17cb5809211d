"""The instance-store table against EC2's own data: DescribeInstanceTypes' ``InstanceStorageSupported`` for
every family SageMaker offers (moto ships EC2's DescribeInstanceTypes output; botocore ships SageMaker's
instance-type enums). A family whose types have local storage refuses a volume KMS key in SageMaker
(CreateEndpointConfig ``KmsKeyId``, ResourceConfig ``VolumeKmsKeyId``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import botocore.session
import moto
import pytest

from cdk_secure_ml.core.instance_types import INSTANCE_STORE_FAMILIES, has_instance_storage

#: Families SageMaker lists that EC2's data no longer (or not yet) holds; see the table's comment.
NOT_IN_EC2_DATA = {"dl1", "p2", "p3", "p6e-gb200"}


def _sagemaker_families() -> set[str]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    shapes = (
        "ProductionVariantInstanceType",
        "TrainingInstanceType",
        "ProcessingInstanceType",
        "TransformInstanceType",
    )
    return {value.split(".")[1] for shape in shapes for value in model.shape_for(shape).enum}


def _ec2_storage() -> dict[str, set[bool]]:
    data = json.loads(
        gzip.decompress((Path(moto.__file__).parent / "ec2/resources/instance_types.json.gz").read_bytes())
    )
    storage: dict[str, set[bool]] = {}
    for name, info in data.items():
        storage.setdefault(name.split(".")[0], set()).add(bool(info.get("InstanceStorageSupported")))
    return storage


@pytest.mark.aws_behaviour(
    "sagemaker.no-volume-key-on-instance-storage", "sagemaker.endpoint-config-kms-key-local-storage"
)
def test_the_table_is_exactly_the_sagemaker_families_with_instance_storage():
    storage = _ec2_storage()
    families = _sagemaker_families()
    with_storage = {f for f in families if storage.get(f) == {True}}
    assert not {f for f in families if len(storage.get(f, set())) > 1}, "a family mixes storage kinds"
    assert set(INSTANCE_STORE_FAMILIES) == with_storage
    assert {f for f in families if f not in storage} == NOT_IN_EC2_DATA


@pytest.mark.parametrize(
    ("instance_type", "expected"),
    [
        ("ml.inf2.xlarge", False),
        ("ml.trn2.48xlarge", True),
        ("ml.p5en.48xlarge", True),
        ("ml.p6-b200.48xlarge", True),
        ("ml.trn1n.32xlarge", True),
        ("ml.m5.large", False),
    ],
)
def test_families_the_review_found_wrong(instance_type, expected):
    assert has_instance_storage(instance_type) is expected
