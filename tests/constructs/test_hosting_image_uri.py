"""Model images by full URI (newcomer report, finding 12) and the artifacts key of an imported bucket."""

from __future__ import annotations

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml import MlNetwork, ModelSource, SecureBucket, SecureEndpoint
from cdk_secure_ml.core.hosting.model_source import image_problems
from tests.conftest import new_app

ENV = Environment(account="111111111111", region="eu-west-1")
DLC = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
DIGEST = "sha256:" + "b" * 64
MODEL = "models/sentiment/model.tar.gz"


def _stack() -> Stack:
    return Stack(new_app(), "S", env=ENV)


def _endpoint(stack: Stack, source: ModelSource, *, bucket: s3.IBucket | None = None,
              **kwargs) -> SecureEndpoint:
    return SecureEndpoint(
        stack, "Ep", endpoint_name="sentiment", model_source=source, network=MlNetwork(stack, "Net"),
        artifacts_bucket=bucket or SecureBucket(stack, "Artifacts").bucket, **kwargs,
    )


@pytest.fixture(scope="module")
def by_uri():
    stack = _stack()
    endpoint = _endpoint(stack, ModelSource.from_image_uri(DLC, MODEL))
    return stack, endpoint, Template.from_stack(stack)


@pytest.mark.aws_behaviour("sagemaker.image-uri-tag-or-digest")
@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (DLC, ("aws", "eu-west-1", "763104351884", "pytorch-inference", "2.1.0-cpu-py310")),
        (f"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/a/churn@{DIGEST}",
         ("aws", "us-east-1", "111122223333", "team/a/churn", DIGEST)),
        ("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/churn:v1",
         ("aws-cn", "cn-north-1", "111122223333", "churn", "v1")),
        ("111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/churn:v1",
         ("aws", "us-gov-west-1", "111122223333", "churn", "v1")),
    ],
)
def test_an_image_uri_is_parsed_into_registry_repository_and_tag_or_digest(uri, expected):
    source = ModelSource.from_image_uri(uri, MODEL)
    assert (*source.image_repository, source.image) == expected
    assert source.problems() == []


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("docker.io/library/nginx:1", "is not an Amazon ECR image URI"),
        ("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference", "is not an Amazon ECR image URI"),
        ("763104351884.dkr.ecr.eu-west-1.amazonaws.com/Bad_Name:1", "is not an Amazon ECR image URI"),
    ],
)
def test_a_uri_that_does_not_parse_is_named(uri, message):
    assert [m for _, m in ModelSource.from_image_uri(uri, MODEL).problems()] == [
        f"image URI {uri!r} {message} <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> "
        "(or @sha256:<64 hex>)"
    ]


def test_a_full_uri_given_as_image_says_exactly_what_to_pass():
    [(path, message)] = image_problems(DLC)
    assert path == ("image",)
    assert "give its tag or digest ('2.1.0-cpu-py310') as image" in message
    assert ("ecr.Repository.from_repository_arn(scope, id, "
            "'arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference')") in message
    assert f"ModelSource.from_image_uri({DLC!r}, model_data)" in message


def test_the_construct_error_for_a_uri_as_image_names_the_fix():
    stack = _stack()
    with pytest.raises(ValueError, match=r"SecureEndpoint sentiment: .*is a full image URI.*from_image_uri"):
        _endpoint(stack, ModelSource.from_image(DLC, MODEL),
                  repository=ecr.Repository.from_repository_name(stack, "Repo", "x"))


def test_the_model_runs_the_uri_and_the_role_pulls_from_its_repository_only(by_uri):
    stack, _, template = by_uri
    [model] = template.find_resources("AWS::SageMaker::Model").values()
    assert model["Properties"]["PrimaryContainer"]["Image"] == DLC
    [policy] = [p for p in template.find_resources("AWS::IAM::ManagedPolicy").values()
                if any(s.get("Sid") == "PullImage" for s in p["Properties"]["PolicyDocument"]["Statement"])]
    pull = next(s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "PullImage")
    assert pull["Resource"] == "arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference"


@pytest.mark.aws_behaviour("sagemaker.image-uri-tag-or-digest")
def test_an_image_of_another_region_is_refused():
    stack = _stack()
    with pytest.raises(ValueError, match=r"image URI '763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com/"
                                         r"pytorch-inference:1' is in region us-east-1, the endpoint in "
                                         r"eu-west-1"):
        _endpoint(stack, ModelSource.from_image_uri(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:1", MODEL))


def test_a_tag_without_repository_names_both_fixes():
    stack = _stack()
    with pytest.raises(ValueError, match=r"model source image 'v1' is a tag or digest of no repository: pass "
                                         r"the endpoint's repository=.*ModelSource\.from_image_uri"):
        _endpoint(stack, ModelSource.from_image("v1", MODEL))


def test_an_imported_artifacts_bucket_without_a_key_warns():
    stack = _stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Imported", "team-artifacts")
    _endpoint(stack, ModelSource.from_image_uri(DLC, MODEL), bucket=bucket)
    Annotations.from_stack(stack).has_warning(
        "/S/Ep", Match.string_like_regexp(r"the artifacts bucket S/Imported has no KMS key .*artifacts_key="))


def test_a_bucket_with_a_key_gets_decrypt_and_no_warning(by_uri):
    stack, endpoint, template = by_uri
    assert endpoint.artifacts_key is not None
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("has no KMS key"))
    assert warnings == []
