"""Image pulls of the execution roles on the demo assembly (config/demo.yaml, one account): the account's
repositories are pulled, another account's are not, even when that repository's policy lets everyone pull;
the old wildcard-account statement would let that image in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdk_secure_ml.policies.access import derive, load_assembly, run
from cdk_secure_ml.policies.access.evaluator import Policy
from cdk_secure_ml.policies.access.images import OTHER_ACCOUNT


@pytest.fixture(scope="module")
def demo_dir(demo_app, tmp_path_factory) -> Path:
    _, _, assembly = demo_app
    copy = tmp_path_factory.mktemp("access-images") / "cdk.out"
    shutil.copytree(assembly.directory, copy)
    return copy


def _pulls(directory: Path, *, shared_with_everyone: bool = False) -> dict[str, tuple[str, str]]:
    assembly = load_assembly(directory)
    scenarios = [
        s for s in derive(assembly) if s.action == "ecr:BatchGetImage" and "execution role" in s.name
    ]
    if shared_with_everyone:
        # The other account's repository policy lets every principal of every account pull.
        for scenario in scenarios:
            if f":{OTHER_ACCOUNT}:" in scenario.resource:
                statement = {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
                             "Resource": scenario.resource}
                shared = Policy({"Statement": [statement]}, "resource")
                assembly.resource_policies[scenario.resource] = [shared]
    return {s.name: (s.expected, d.decision) for s, d in run(assembly, scenarios)}


def _named(found: dict[str, tuple[str, str]], words: str) -> tuple[str, str]:
    (match,) = [v for k, v in found.items() if words in k]
    return match


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns", "iam.cross-account-both-sides")
def test_execution_roles_pull_their_accounts_images_and_no_other_accounts(demo_dir):
    found = _pulls(demo_dir)
    assert _named(found, "pulls an image from its account's repository") == ("allow", "allow")
    assert _named(found, "pulls no image from another account's repository") == ("deny", "deny")
    shared = _pulls(demo_dir, shared_with_everyone=True)
    assert _named(shared, "pulls no image from another account's repository") == ("deny", "deny")


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns", "iam.cross-account-both-sides")
def test_a_pull_statement_on_every_account_lets_a_shared_image_in(demo_dir, tmp_path):
    mutated = tmp_path / "cdk.out"
    shutil.copytree(demo_dir, mutated)
    (foundation,) = mutated.glob("**/*Foundation*.template.json")
    template = json.loads(foundation.read_text())
    widened = 0
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::IAM::ManagedPolicy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            if statement.get("Sid") == "PullImages":
                statement["Resource"] = "arn:aws:ecr:*:*:repository/*"  # any account, as before the fix
                widened += 1
    assert widened == 1
    foundation.write_text(json.dumps(template))
    shared = _pulls(mutated, shared_with_everyone=True)
    assert _named(shared, "pulls no image from another account's repository") == ("deny", "allow")
