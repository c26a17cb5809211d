"""What a :class:`ModelSource` becomes in a template: the model's container, and what its execution role may
read.

``ModelSource`` itself (``from_image(image, model_data)``, ``from_image_uri(uri, model_data)``,
``from_model_package(arn)``) is CDK-free:
:mod:`cdk_secure_ml.core.hosting.model_source`; it is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.names import DIGEST_RE

__all__ = ["ModelSource", "container_definition", "model_access_statements"]


def container_definition(
    source: ModelSource,
    *,
    repository: ecr.IRepository | None,
    bucket: s3.IBucket,
    environment: Mapping[str, str] | None,
) -> sagemaker.CfnModel.ContainerDefinitionProperty:
    """The model's primary container: the package (it names its image and model data), or the image (its URI,
    or ``repository``'s by digest or tag) with the model data in ``bucket``.

    :raises ValueError: a ``from_image`` source without ``repository``."""
    env = dict(environment) if environment else None
    if source.kind == "model_package":
        return sagemaker.CfnModel.ContainerDefinitionProperty(
            model_package_name=source.model_package_arn, environment=env
        )
    image = source.image or ""
    if source.image_uri is not None:
        uri = source.image_uri
    elif repository is None:
        raise ValueError(
            f"model source image {image!r} is a tag or digest of no repository: pass the endpoint's "
            "repository=ecr.Repository.from_repository_name(...) (or from_repository_arn for another "
            "account's), or use ModelSource.from_image_uri('<account>.dkr.ecr.<region>.amazonaws.com/"
            "<repository>:<tag>', model_data)"
        )
    else:
        uri = (
            repository.repository_uri_for_digest(image)
            if DIGEST_RE.match(image)
            else repository.repository_uri_for_tag(image)
        )
    return sagemaker.CfnModel.ContainerDefinitionProperty(
        image=uri,
        model_data_url=bucket.s3_url_for_object(source.model_key or ""),
        mode="SingleModel",
        environment=env,
    )


def model_access_statements(
    sources: Sequence[ModelSource],
    *,
    scope: Construct,
    bucket: s3.IBucket,
    artifacts_key: kms.IKey | None,
    repository: ecr.IRepository | None,
    model_source_account: str | None,
) -> list[dict[str, Any]]:
    """The execution role's statements for reading its models, as ``iam.PolicyStatement`` keyword arguments
    (one ``add_statements`` each, in this order): the model data's prefixes and their listing, the
    packages (and, with ``model_source_account``, the delivery account's objects, keys and images), the
    artifacts key, and the image repositories (``repository`` and those of ``from_image_uri`` sources).

    Warns on ``scope`` when model data is read but no artifacts key is known (an imported bucket without
    ``artifacts_key``): the role then gets no ``kms:Decrypt``, which an SSE-KMS bucket needs.

    :raises ValueError: an image URI of another region than ``scope``'s stack (SageMaker pulls the image
        from the model's region, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html).
    """
    stack = Stack.of(scope)
    keys = list(dict.fromkeys(s.model_key for s in sources if s.kind == "image" and s.model_key))
    packages = list(dict.fromkeys(s.model_package_arn for s in sources if s.model_package_arn))
    prefixes = [k.rsplit("/", 1)[0] + "/" if "/" in k else k for k in keys]
    statements: list[dict[str, Any]] = []
    if prefixes:
        patterns = [p + "*" if p.endswith("/") else p for p in prefixes]
        statements += [
            {
                "sid": "ReadModelData",
                "actions": ["s3:GetObject", "s3:GetObjectVersion"],
                "resources": [bucket.arn_for_objects(p) for p in patterns],
            },
            {
                "sid": "ListModelPrefix",
                "actions": ["s3:ListBucket"],
                "resources": [bucket.bucket_arn],
                "conditions": {"StringLike": {"s3:prefix": patterns}},
            },
        ]
    if packages:
        statements.append(
            {
                "sid": "DescribeModelPackage",
                "actions": ["sagemaker:DescribeModelPackage"],
                "resources": packages,
            }
        )
        if model_source_account:
            statements += _promoted_model_statements(stack, model_source_account)
    if artifacts_key is not None:
        statements.append(
            {"sid": "DecryptModelData", "actions": ["kms:Decrypt"], "resources": [artifacts_key.key_arn]}
        )
    elif keys:
        Annotations.of(scope).add_warning_v2(
            "secure-ml:artifacts-bucket-without-key",
            f"the artifacts bucket {bucket.node.path} has no KMS key this app knows (an imported bucket), so "
            "the execution role gets no kms:Decrypt; if the bucket is encrypted with SSE-KMS, pass "
            "artifacts_key=kms.Key.from_key_arn(...) or the model data cannot be read",
        )
    repositories = [repository.repository_arn] if repository is not None else []
    for source in sources:
        if source.image_repository is not None:
            partition, region, account, name = source.image_repository
            if not Token.is_unresolved(stack.region) and region != stack.region:
                raise ValueError(
                    f"image URI {source.image_uri!r} is in region {region}, the endpoint in {stack.region}: "
                    "SageMaker pulls the image from the endpoint's region; use the image of "
                    f"{stack.region} (for AWS Deep Learning Containers, the same repository in that region)"
                )
            repositories.append(f"arn:{partition}:ecr:{region}:{account}:repository/{name}")
    statements += [
        {
            "sid": "PullImage",
            "resources": list(dict.fromkeys(repositories)),
            "actions": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        },
        {"sid": "EcrAuthorizationToken", "actions": ["ecr:GetAuthorizationToken"], "resources": ["*"]},
    ]
    return statements


def _promoted_model_statements(stack: Stack, source: str) -> list[dict[str, Any]]:
    # The package's image and artifacts live in the delivery account; its registry's repository, bucket and
    # key policies name this role's path (the other side, constructs/delivery.py).
    return [
        {
            "sid": "ReadPromotedModels",
            "actions": ["s3:GetObject", "s3:GetObjectVersion"],
            "resources": [f"arn:{stack.partition}:s3:::*"],
            "conditions": {"StringEquals": {"s3:ResourceAccount": source}},
        },
        {
            "sid": "DecryptPromotedModelsThroughS3AndEcr",
            "actions": ["kms:Decrypt"],
            "resources": [f"arn:{stack.partition}:kms:{stack.region}:{source}:key/*"],
            "conditions": {
                "StringEquals": {
                    "kms:ViaService": [
                        f"s3.{stack.region}.amazonaws.com",
                        f"ecr.{stack.region}.amazonaws.com",
                    ]
                }
            },
        },
        {
            "sid": "PullPromotedImages",
            "resources": [f"arn:{stack.partition}:ecr:{stack.region}:{source}:repository/*"],
            "actions": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        },
    ]
