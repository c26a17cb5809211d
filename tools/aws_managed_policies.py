"""Generate ``cdk_secure_ml/policies/data/aws_managed_policies.json``: the documents of the AWS managed
policies the platform's roles attach, which ``secure-ml access`` evaluates.

    .venv/bin/python -m tools.aws_managed_policies          # rewrite the file
    .venv/bin/python -m tools.aws_managed_policies --check  # exit 1 when it is stale

Dev-only: it reads moto's copy of AWS's managed policies (``moto.iam.aws_managed_policies``; neither
policy_sentry nor parliament ships the documents). The library ships the extract, so loading the 1,500
documents (1.4 s of moto's import) never happens in ``secure-ml access``; a policy not in it is read from
moto when moto is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

from tools.generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "cdk_secure_ml" / "policies" / "data" / "aws_managed_policies.json"

#: The AWS managed policies the platform's templates attach (Config's recorder role, CDK's Lambda roles),
#: and those of CDK's bootstrap roles the access catalogue evaluates (the deploy role's, and the execution
#: role's with docs/delivery.md's --cloudformation-execution-policies).
NAMES = (
    "AWS_ConfigRole",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSCloudFormationReadOnlyAccess",
    "AdministratorAccess",
)


def render() -> str:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    return json.dumps({name: data[name]["Document"] for name in NAMES}, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(FILE, render, ".venv/bin/python -m tools.aws_managed_policies", argv)


if __name__ == "__main__":
    raise SystemExit(main())
