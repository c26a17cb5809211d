"""Image pinning (SML-AUD-6): the container images of Studio custom images and of inference components
are named by digest, so what ran is what was reviewed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..intrinsics import Unresolved
from ..rule import MISSING, Violation, cannot_verify, fail, get, rule, text_of
from ..template import Resource, Template
from ._types import IMAGE_VERSION, INFERENCE_COMPONENT

#: Where each type names its image.
IMAGE_PATHS = {IMAGE_VERSION: "BaseImage", INFERENCE_COMPONENT: "Specification.Container.Image"}
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


@rule(
    "SML-AUD-6", "warning", "Custom and inference component images are pinned by digest",
    types=tuple(IMAGE_PATHS),
    rationale="""A tag can be overwritten by a later push unless the repository turns on tag immutability;
    an image named by its digest (repo@sha256:...) is the exact image that was reviewed and scanned, and
    the record of what ran stays true.""",
    remediation="""Name the image as <account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>
    (custom images from private ECR, pinned by digest), and make the repository tag-immutable.""",
    references=(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-imageversion.html",
    ),
)  # fmt: skip
def image_pinned(resource: Resource, template: Template) -> Iterator[Violation]:
    path = IMAGE_PATHS[resource.type]
    image = get(resource.properties, path)
    if image is MISSING:
        return  # an inference component built on a model (Specification.ModelName) names no image
    text = text_of(image)
    if text is not None and _DIGEST.search(text):
        return
    if isinstance(image, Unresolved) and (text is None or text.endswith("}")):
        yield cannot_verify(f"{path} is {image.expr}")
    else:
        yield fail(f"{path} {text or image!r} is not pinned by digest (@sha256:...)")
