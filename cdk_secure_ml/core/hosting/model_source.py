"""Where an endpoint's model comes from: an image and model data, or a model package version.

:class:`ModelSource` is a small union (aws-cdk-lib's "Unions" pattern: one class, one factory per case):

- ``ModelSource.from_image(image, model_data)``: an image of the endpoint's private ECR repository, by digest
  (``sha256:<64 hex>``, recommended) or tag, and the key of the model's ``.tar.gz`` in the artifacts bucket.
- ``ModelSource.from_model_package(arn)``: a model package version ARN
  (``arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>``), e.g. the approved version of
  the delivery account's model registry; the package names its image and model data.

CDK-free: the config validators check image, model data and package ARNs with the same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cdk_secure_ml.core.names import DIGEST_RE, IMAGE_TAG_RE
from cdk_secure_ml.core.problems import Problem, is_unresolved

MODEL_PACKAGE_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/\d+$"
)
_S3_URL_RE = re.compile(r"^s3://([^/]+)/(.+)$")
_MODEL_DATA_HINT = (
    "give the key of a .tar.gz in the artifacts bucket (models/churn/model.tar.gz) or its "
    "s3://<artifacts bucket>/<key>.tar.gz URL"
)


def model_data_key(model_data: str) -> str:
    """The object key of ``model_data``: the key itself, or the key part of an ``s3://<bucket>/<key>`` URL."""
    match = _S3_URL_RE.match(model_data)
    return match.group(2) if match else model_data.lstrip("/")


def image_problems(image: str) -> list[Problem]:
    """An image digest or tag. Path: ``image``."""
    if is_unresolved(image) or DIGEST_RE.match(image) or IMAGE_TAG_RE.match(image):
        return []
    if image.startswith("sha256:"):
        return [
            (("image",), f"image {image!r} is not a digest; a digest is sha256: followed by 64 hex digits")
        ]
    return [(("image",), f"image {image!r} is neither a digest (sha256:<64 hex>) nor an image tag")]


def model_data_problems(model_data: str, *, bucket_name: str | None = None) -> list[Problem]:
    """The model's ``.tar.gz``: a key, or an ``s3://`` URL into the artifacts bucket ``bucket_name``
    (None or a token: not known at synth time, so a URL cannot be checked). Path: ``model_data``."""
    path = ("model_data",)
    if is_unresolved(model_data):
        return [(path, "model_data is a token; pass a literal key so the role can be scoped to its prefix")]
    if not model_data.endswith(".tar.gz"):
        return [(path, f"model_data {model_data!r} is not an s3://…tar.gz; {_MODEL_DATA_HINT}")]
    match = _S3_URL_RE.match(model_data)
    if match:
        if bucket_name is None or is_unresolved(bucket_name):
            return [
                (
                    path,
                    f"model_data {model_data!r}: the artifacts bucket's name is only known at deploy time, "
                    "so the URL cannot be checked against it; give the key inside the bucket instead",
                )
            ]
        if match.group(1) != bucket_name:
            return [
                (
                    path,
                    f"model_data {model_data!r} is not in the artifacts bucket {bucket_name!r}; "
                    f"{_MODEL_DATA_HINT}",
                )
            ]
        return []
    if "://" in model_data or model_data.startswith("arn:"):
        return [(path, f"model_data {model_data!r} is not an s3://…tar.gz; {_MODEL_DATA_HINT}")]
    return []


def model_package_problems(arn: str) -> list[Problem]:
    """A model package version ARN. Path: ``model_package``."""
    if is_unresolved(arn) or MODEL_PACKAGE_ARN_RE.match(arn):
        return []
    return [
        (
            ("model_package",),
            f"model_package {arn!r} is not a model package version ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)",
        )
    ]


@dataclass(frozen=True)
class ModelSource:
    """The model of an endpoint (or of one variant). Build it with :meth:`from_image` or
    :meth:`from_model_package`; check it with :meth:`problems`."""

    kind: Literal["image", "model_package"]
    image: str | None = None
    model_data: str | None = None
    model_package_arn: str | None = None

    @classmethod
    def from_image(cls, image: str, model_data: str) -> ModelSource:
        """An image of the endpoint's repository and the model data in its artifacts bucket.

        :param image: ``sha256:<64 hex>`` (recommended: what is tested is what runs) or a tag (a warning: a
            tag can be moved to another image).
        :param model_data: key of the model's ``.tar.gz`` in the artifacts bucket
            (``team-a/models/churn/v3/model.tar.gz``), or its ``s3://<bucket>/<key>.tar.gz`` URL when the
            bucket's name is a literal. The execution role may read only its prefix.
        """
        return cls("image", image=image, model_data=model_data)

    @classmethod
    def from_model_package(cls, arn: str) -> ModelSource:
        """A model package version (``arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>``).

        The model's container is the package's (``ModelPackageName``); the execution role may
        ``sagemaker:DescribeModelPackage`` on this ARN only. A new version renames the model and config,
        so it rolls out blue/green.
        """
        return cls("model_package", model_package_arn=arn)

    @property
    def model_key(self) -> str | None:
        """The model data's object key (None for a model package)."""
        return model_data_key(self.model_data) if self.model_data is not None else None

    @property
    def identity(self) -> str:
        """Two sources with the same identity deploy the same model (one ``AWS::SageMaker::Model``)."""
        if self.kind == "model_package":
            return f"package|{self.model_package_arn}"
        return f"{self.image}|{self.model_key}"

    def problems(self, *, bucket_name: str | None = None) -> list[Problem]:
        """Problems of the image and model data (``bucket_name``: the artifacts bucket's, to check an
        ``s3://`` URL against), or of the package ARN. Paths: ``image``, ``model_data``, ``model_package``."""
        if self.kind == "model_package":
            return model_package_problems(self.model_package_arn or "")
        problems = image_problems(self.image or "")
        return problems + model_data_problems(self.model_data or "", bucket_name=bucket_name)
