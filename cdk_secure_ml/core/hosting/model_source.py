"""Where an endpoint's model comes from: an image and model data, or a model package version.

:class:`ModelSource` is a small union (aws-cdk-lib's "Unions" pattern: one class, one factory per case):

- ``ModelSource.from_image(image, model_data)``: an image of the endpoint's private ECR repository, by digest
  (``sha256:<64 hex>``, recommended) or tag, and the key of the model's ``.tar.gz`` in the artifacts bucket.
- ``ModelSource.from_image_uri(uri, model_data)``: a full Amazon ECR image URI,
  ``<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`` or ``...@sha256:<digest>`` (a Deep Learning
  Container, another account's registry), and the model data in the artifacts bucket; the endpoint needs no
  ``repository`` for it.
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
#: An Amazon ECR image URI: ``<registry>/<repository>`` then ``:<tag>`` or ``@<digest>``. The registry is
#: ``<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]``; SageMaker takes both registry/repository[:tag]
#: and registry/repository[@digest] (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html);
#: the repository name pattern is ECR's
#: (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html).
IMAGE_URI_RE = re.compile(
    r"^(?P<registry>(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)"
    r"\.amazonaws\.com(?P<china>\.cn)?)"
    r"/(?P<repository>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(?P<digest>sha256:[0-9a-f]{64}))$"
)
_IMAGE_URI_FORM = "<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @sha256:<64 hex>)"
_MODEL_DATA_HINT = (
    "give the key of a .tar.gz in the artifacts bucket (models/churn/model.tar.gz) or its "
    "s3://<artifacts bucket>/<key>.tar.gz URL"
)


def model_data_key(model_data: str) -> str:
    """The object key of ``model_data``: the key itself, or the key part of an ``s3://<bucket>/<key>`` URL."""
    match = _S3_URL_RE.match(model_data)
    return match.group(2) if match else model_data.lstrip("/")


def image_problems(image: str) -> list[Problem]:
    """An image digest or tag. Path: ``image``. A full image URI gets the way to pass it."""
    if is_unresolved(image) or DIGEST_RE.match(image) or IMAGE_TAG_RE.match(image):
        return []
    match = IMAGE_URI_RE.match(image)
    if match:
        partition = "aws-cn" if match["china"] else "aws"
        arn = f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"
        return [(("image",), (
            f"image {image!r} is a full image URI, not a tag or digest: give its tag or digest "
            f"({match['tag'] or match['digest']!r}) as image and its repository ({arn}) as the endpoint's "
            f"repository (ecr.Repository.from_repository_arn(scope, id, {arn!r})), or in Python "
            f"model_source=ModelSource.from_image_uri({image!r}, model_data)"
        ))]
    if "/" in image or ".dkr.ecr." in image:
        return [(("image",), f"image {image!r} is neither a tag nor a digest, nor an Amazon ECR image URI "
                             f"{_IMAGE_URI_FORM}")]
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
    #: With :meth:`from_image_uri`: the URI given (``image`` is then its tag or digest).
    image_uri: str | None = None

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
    def from_image_uri(cls, uri: str, model_data: str) -> ModelSource:
        """A full Amazon ECR image URI (``<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`` or
        ``...@sha256:<64 hex>``, as AWS lists its Deep Learning Containers) and the model data in the
        artifacts bucket. The endpoint's role may pull from that repository only; the endpoint needs no
        ``repository``. A URI that does not parse is reported by :meth:`problems` (path ``image``).

        :param uri: the image URI; the registry's region must be the endpoint's (SageMaker pulls from the
            model's region).
        :param model_data: as in :meth:`from_image`.
        """
        match = IMAGE_URI_RE.match(uri)
        image = (match["tag"] or match["digest"]) if match else ""
        return cls("image", image=image, model_data=model_data, image_uri=uri)

    @property
    def image_repository(self) -> tuple[str, str, str, str] | None:
        """(partition, region, account, repository name) of a :meth:`from_image_uri` source; else None."""
        match = IMAGE_URI_RE.match(self.image_uri or "")
        if match is None:
            return None
        return ("aws-cn" if match["china"] else "aws", match["region"], match["account"], match["repository"])

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
        if self.image_uri is not None:
            return f"{self.image_uri}|{self.model_key}"
        return f"{self.image}|{self.model_key}"

    def problems(self, *, bucket_name: str | None = None) -> list[Problem]:
        """Problems of the image and model data (``bucket_name``: the artifacts bucket's, to check an
        ``s3://`` URL against), or of the package ARN. Paths: ``image``, ``model_data``, ``model_package``."""
        if self.kind == "model_package":
            return model_package_problems(self.model_package_arn or "")
        if self.image_uri is not None and not is_unresolved(self.image_uri):
            problems: list[Problem] = [] if IMAGE_URI_RE.match(self.image_uri) else [(("image",), (
                f"image URI {self.image_uri!r} is not an Amazon ECR image URI {_IMAGE_URI_FORM}"))]
        else:
            problems = image_problems(self.image or "")
        return problems + model_data_problems(self.model_data or "", bucket_name=bucket_name)
