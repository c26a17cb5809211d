"""Names, patterns and limits: what AWS and the platform accept as a name, id or ARN.

CDK-free: the config validators, the constructs, the policy rules and the emulator import these without
loading aws-cdk-lib. Where a pattern is AWS's, the comment names the page that states it.
"""

from __future__ import annotations

import re

#: Data classes (one KMS key each): lower case, digits and hyphens, up to 32 characters.
DATA_CLASS_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
#: S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
#: 3-63 characters of lower case, digits, dots and hyphens, starting and ending with a letter or digit.
BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
#: An IAM role ARN in any partition.
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
#: An AWS account id: 12 digits.
ACCOUNT_ID_RE = re.compile(r"^[0-9]{12}$")  # ASCII digits; use fullmatch (a trailing newline is no id)
#: An AWS Organizations organization id.
ORGANIZATION_ID_RE = re.compile(r"^o-[a-z0-9]{10,32}$")
#: An e-mail address SNS can subscribe (the HTML living standard's "valid e-mail address").
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
#: A container image digest.
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
#: A container image tag (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html).
IMAGE_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
#: A SageMaker instance type (``ml.<family>.<size>``; families may hold a hyphen, e.g. ml.p6-b200.48xlarge).
# A family may hold hyphens between its parts (ml.p6-b200.48xlarge), never at either end or twice in a row.
INSTANCE_TYPE_RE = re.compile(r"^ml\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$")
#: SageMaker resource names (domains, user profiles, model package groups, ...): letters, digits and
#: hyphens, 1-63 characters, starting and ending with a letter or digit.
SAGEMAKER_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")

#: Team names: they appear in role names, tag values and S3 prefixes.
TEAM_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
#: The team tag key: usable in ``aws:PrincipalTag/<key>`` and ``${aws:PrincipalTag/<key>}`` policy variables.
TAG_KEY_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.:/=+\-@]{0,63}$")

#: A KMS alias prefix (the keys are ``alias/<prefix>/<data class>``): AWS reserves ``alias/aws/``
#: (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html), so the prefix ``aws`` (in any
#: case) is refused.
KMS_ALIAS_PREFIX_RE = re.compile(r"^[a-zA-Z0-9/_-]{1,200}$")


def kms_alias_prefix_problem(prefix: str) -> str | None:
    """What is wrong with ``prefix`` as a KMS alias prefix, or None. Shared by EncryptionKeys and the
    config."""
    # The aliases are alias/<prefix>/<data class>; KMS reserves alias/aws/ for AWS managed keys
    # (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html).
    reserved = prefix.split("/")[0].lower() == "aws"
    if not KMS_ALIAS_PREFIX_RE.match(prefix) or prefix.startswith("alias/") or reserved:
        return (f"{prefix!r} is invalid; use letters, digits, '/', '_' or '-', without 'alias/', and not "
                "'aws' (alias/aws/ is reserved for AWS managed keys)")
    return None


#: The platform's personas (docs/identity.md).
PERSONAS: tuple[str, ...] = ("data-scientist", "ml-engineer", "ml-admin", "model-consumer")
#: Personas that run SageMaker work and therefore get per-team execution roles.
EXECUTION_PERSONAS: tuple[str, ...] = ("data-scientist", "ml-engineer")
