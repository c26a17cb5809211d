"""``secure-ml iam-lint``: parliament over every IAM policy document in CloudFormation templates.

The CI gate (docs/iam-lint.md): 0 findings above LOW, or each justified.

Steps, per template (loaded and resolved by :mod:`..template`):

1. **Extract** every policy document (:data:`DOCUMENT_LOCATIONS`, :mod:`.documents`): identity policies
   (IAM roles' inline ``Policies``, ``AWS::IAM::Policy``, ``AWS::IAM::ManagedPolicy`` …), trust policies
   (``AssumeRolePolicyDocument``), resource policies (S3, SNS, SQS, SageMaker model package groups),
   KMS key policies and Organizations SCPs / RCPs.
2. **Make it concrete.** Intrinsics the engine cannot resolve become syntactically valid placeholders
   that keep the ARN shape: pseudo parameters → ``aws`` / ``us-east-1`` / ``123456789012``; a ``Ref`` or
   ``Fn::GetAtt`` of a resource → what CloudFormation would return for that resource type
   (:data:`~.placeholders.RESOURCE_VALUES`: ``Fn::GetAtt Bucket.Arn`` → ``arn:aws:s3:::<name>``, a KMS
   key's ``Arn`` → ``arn:aws:kms:us-east-1:123456789012:key/<uuid>``); a value that cannot be derived → a
   placeholder name inside a longer string, ``"*"`` as a whole ``Resource`` (with a "cannot verify"
   warning, and parliament's ``RESOURCE_STAR`` for that statement dropped: it would be about our ``"*"``).
3. **Adapt** what parliament (1.6.4, which has no resource-policy or trust-policy mode) cannot read:
   a trust policy's statements get their implicit ``Resource``, the role's own ARN, so parliament checks
   principals, actions and condition keys; numbers in conditions become strings (IAM compares strings;
   parliament crashes on a JSON number). ``RESOURCE_STAR`` is not applicable to key policies (there
   ``"*"`` means "this key" and is the only valid value) and SCPs / RCPs (guardrails, which grant
   nothing); such findings are reported as acknowledged with that reason, never hidden.
4. **Run** ``parliament.analyze_policy_string`` (private and community auditors off), deduplicate (it
   reports one finding per expanded action), map each finding back to its statement, and report
   :class:`~cdk_secure_ml.policies.findings.Finding` objects (:mod:`.lint`): rule
   ``PARLIAMENT-<ISSUE>``, severity CRITICAL / HIGH / MEDIUM → error, LOW / INFO → warning.
5. **Justify** (:mod:`.justifications`): first from the resource's own ``Metadata.cdk_secure_ml.iam_lint``
   entries, which the library's constructs write on the resources they create (whatever their construct
   ids), then from a user's YAML file (``--justifications``), which adds to them. A matching entry turns
   a finding into an acknowledged one; an entry without a reason is itself an error, one that matches
   nothing a warning.

parliament is a dev / CI dependency: it is imported only inside :func:`lint_templates`, never when this
package is imported.
"""

from __future__ import annotations

from .documents import DOCUMENT_LOCATIONS, PolicyDocument, extract_documents
from .justifications import IAM_LINT_KEY, Justification, justifications_of, load_justifications
from .lint import ParliamentMissing, lint_paths, lint_templates, require_parliament

__all__ = [
    "DOCUMENT_LOCATIONS",
    "IAM_LINT_KEY",
    "Justification",
    "ParliamentMissing",
    "PolicyDocument",
    "extract_documents",
    "justifications_of",
    "lint_paths",
    "lint_templates",
    "load_justifications",
    "require_parliament",
]
