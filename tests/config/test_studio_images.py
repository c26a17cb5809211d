"""Config: studio.custom_images (Studio custom images from private ECR, pinned by digest)."""

from __future__ import annotations

import pytest

from cdk_secure_ml.config import ConfigError, parse_config

BASE = """\
name: ml-dev
region: eu-west-1
identity:
  teams: [{name: nlp}]
studio:
  users: [{name: ana, team: nlp, persona: data-scientist}]
"""
DIGEST = "sha256:" + "ab" * 32


def _config(images: str):
    return parse_config(BASE + "  custom_images:\n" + images)


def _problems(images: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        _config(images)
    return {p.path: p.message for p in info.value.problems}


def test_default_is_no_image():
    assert parse_config(BASE).studio.custom_images == []


def test_an_image_with_every_key():
    [image] = _config(
        f"    - {{name: nlp.jupyter-2, repository: ml/jupyter_lab, digest: '{DIGEST}', "
        "app_type: CodeEditor, display_name: NLP tools}\n"
    ).studio.custom_images
    assert (image.name, image.repository, image.digest, image.app_type, image.display_name) == (
        "nlp.jupyter-2",
        "ml/jupyter_lab",
        DIGEST,
        "CodeEditor",
        "NLP tools",
    )


@pytest.mark.aws_behaviour("sagemaker.image-version-base-image")
def test_a_tag_instead_of_a_digest_is_refused_with_the_fix():
    problems = _problems("    - {name: jl, repository: ml/jupyter, digest: latest, app_type: JupyterLab}\n")
    [(path, message)] = problems.items()
    assert "custom_images" in path and "digest" in path
    assert "'latest' is not an image digest" in message and "sha256:<64 hex>" in message
    assert "describe-images" in message


@pytest.mark.parametrize(
    "repository",
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/jupyter", "ml/jupyter:1.0", f"ml/jupyter@{DIGEST}"],
)
def test_a_uri_or_tagged_repository_is_refused(repository):
    [(path, message)] = _problems(
        f"    - {{name: jl, repository: '{repository}', digest: '{DIGEST}', app_type: JupyterLab}}\n"
    ).items()
    assert path.endswith("repository") and "give only the repository name" in message


@pytest.mark.parametrize("repository", ["x", "ML/Jupyter", "ml//jupyter", "-ml"])
def test_a_bad_repository_name_is_refused(repository):
    [message] = _problems(
        f"    - {{name: jl, repository: '{repository}', digest: '{DIGEST}', app_type: JupyterLab}}\n"
    ).values()
    assert "is not an ECR repository name" in message


@pytest.mark.aws_behaviour("sagemaker.image-name")
@pytest.mark.parametrize("name", ["-jl", "jl-", "a..b", "a_b", "x" * 64])
def test_a_bad_image_name_is_refused(name):
    [(path, message)] = _problems(
        f"    - {{name: '{name}', repository: ml/jupyter, digest: '{DIGEST}', app_type: JupyterLab}}\n"
    ).items()
    assert path.endswith("name") and "is not a SageMaker image name" in message


def test_the_longest_image_name_is_accepted():
    [image] = _config(
        f"    - {{name: '{'x' * 63}', repository: ml/jupyter, digest: '{DIGEST}', app_type: JupyterLab}}\n"
    ).studio.custom_images
    assert len(image.name) == 63


@pytest.mark.aws_behaviour("sagemaker.app-image-config-name-unique")
def test_two_images_with_one_app_image_config_name_are_refused():
    problems = _problems(
        f"    - {{name: a.b, repository: ml/one, digest: '{DIGEST}', app_type: JupyterLab}}\n"
        f"    - {{name: a-b, repository: ml/two, digest: '{DIGEST}', app_type: CodeEditor}}\n"
    )
    [(path, message)] = problems.items()
    assert "custom_images" in path and "1" in path
    assert "AppImageConfig name 'a-b'" in message and "custom_images.0" in message


def test_an_unknown_app_type_and_a_blank_display_name_are_refused():
    problems = _problems(
        f"    - {{name: jl, repository: ml/jupyter, digest: '{DIGEST}', app_type: RStudio, "
        "display_name: ' padded '}\n"
    )
    assert any(p.endswith("app_type") for p in problems)
    assert any("without leading or trailing spaces" in m for m in problems.values())


@pytest.mark.parametrize("display_name", ["Café tools", "tools {gpu}", "a`b"])
def test_a_display_name_outside_cloudformations_pattern_is_refused(display_name):
    """CloudFormation's ImageDisplayName pattern is narrower than the API's (second AWS review, finding 5)."""
    problems = _problems(
        f"    - {{name: jl, repository: ml/jupyter, digest: '{DIGEST}', app_type: JupyterLab, "
        f"display_name: '{display_name}'}}\n"
    )
    assert any("^[A-Za-z0-9 -_]+$" in m for m in problems.values()), problems
