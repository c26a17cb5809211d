"""Scenarios of image pulls by the platform's execution roles (see :mod:`.catalogue`).

The promise (docs/identity.md, "Images"): an execution role pulls images from its own account's Amazon ECR
repositories and from the delivery account's registry, and from no other account, not even a repository
whose policy lets everyone pull (an image nobody on the platform vetted), except the accounts that publish
SageMaker's prebuilt images in the region (constructs/identity/sagemaker_images.py). Those pulls have no
scenario here: their repositories' policies are AWS's and not in the assembly, so the evaluator cannot decide
a cross-account pull from them; tests/constructs/test_identity.py checks the identity side.
"""

from __future__ import annotations

from collections.abc import Iterator

from .bootstrap import TOOLKIT_STACK
from .facts import Facts
from .scenarios import Scenario

__all__ = ["OTHER_ACCOUNT", "image_pulls"]

#: An account that is none of the platform's: its repository stands for any image shared with this account.
OTHER_ACCOUNT = "999988887777"


def image_pulls(facts: Facts) -> Iterator[Scenario]:
    """For the first execution role of the platform (they share one policy): a pull from its account's
    repositories (allow), from each registry of another account of the assembly, the delivery account's
    (allow; its repository policy names the stage execution roles), and from :data:`OTHER_ACCOUNT` (deny)."""
    assembly, region = facts.assembly, facts.region
    for (persona, team), role in sorted(facts.execution_roles.items())[:1]:
        who = f"SageMaker ({persona} {team} execution role)"
        yield Scenario(
            f"{who} pulls an image from its account's repository",
            role.arn,
            "ecr:BatchGetImage",
            f"arn:aws:ecr:{region}:{facts.account}:repository/{team}/images",
            "allow",
            {},
            {},
            "service",
        )
        for stack in assembly.stacks:
            # CDK's bootstrap stacks (modelled by .bootstrap) hold asset repositories, not model images.
            if stack.account == facts.account or stack.region != region or stack.name == TOOLKIT_STACK:
                continue
            for lid, res in stack.resources.items():
                if res.get("Type") == "AWS::ECR::Repository":
                    yield Scenario(
                        f"{who} pulls a promoted model's image from the delivery account's registry",
                        role.arn,
                        "ecr:BatchGetImage",
                        assembly.ids[f"{stack.name}/{lid}"],
                        "allow",
                        {},
                        {},
                        "service",
                    )
        if OTHER_ACCOUNT not in {s.account for s in assembly.stacks}:
            yield Scenario(
                f"{who} pulls no image from another account's repository",
                role.arn,
                "ecr:BatchGetImage",
                f"arn:aws:ecr:{region}:{OTHER_ACCOUNT}:repository/common/images",
                "deny",
                {},
                {},
                "service",
            )
