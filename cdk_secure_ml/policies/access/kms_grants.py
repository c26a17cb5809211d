"""The KMS grants the assembly implies (the catalogue's scenarios of the grant path: :mod:`.paths`).

CloudFormation has no grant resource: a service that integrates with KMS creates grants at run time for the
principal it acts for, which needs ``kms:CreateGrant`` on the key, typically only with
``kms:GrantIsForAWSResource`` true (https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html,
https://docs.aws.amazon.com/kms/latest/developerguide/grants.html). So a role that may create a grant on a
key through SageMaker (``kms:ViaService`` ``sagemaker.<region>.amazonaws.com``) implies the grant SageMaker
creates when a job or endpoint of that role encrypts its storage volume.

Modelled, and stated in docs/access.md: the grantee of such a grant is SageMaker's service principal
(``sagemaker.amazonaws.com``), standing for the service acting under the grant (AWS does not document the
grantee principal of the grants SageMaker creates); its operations are :data:`VOLUME_OPERATIONS`, the ones a
volume needs, and the role must be allowed to create a grant for all of them (``kms:GrantOperations``).
"""

from __future__ import annotations

from .assembly import Assembly
from .evaluator import Policy, Request, evaluate
from .grants import Grant

__all__ = ["GRANTEE", "VOLUME_OPERATIONS", "implied_grants"]

#: The grantee the model gives the grants SageMaker creates.
GRANTEE = "sagemaker.amazonaws.com"
#: The operations of a grant for an encrypted volume (KMS API names).
VOLUME_OPERATIONS = (
    "Decrypt",
    "Encrypt",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "DescribeKey",
    "RetireGrant",
)


def _mentions_create_grant(policies: tuple[Policy, ...]) -> bool:
    return any("creategrant" in str(p.document).lower() or "kms:*" in str(p.document) for p in policies)


def implied_grants(assembly: Assembly, scps: tuple[Policy, ...]) -> list[Grant]:
    """For each role of the assembly and each KMS key of its account and region: the grant SageMaker
    creates for the role's job or endpoint, when the role may create it (evaluated with ``scps`` attached,
    the key policy and the role's policies). A role that may not, implies none."""
    keys = [
        (stack, assembly.ids[f"{stack.name}/{lid}"])
        for stack in assembly.stacks
        for lid, res in stack.resources.items()
        if res.get("Type") == "AWS::KMS::Key" and f"{stack.name}/{lid}" in assembly.ids
    ]
    out: list[Grant] = []
    for role in assembly.roles.values():
        if not _mentions_create_grant(tuple(role.identity)):
            continue  # (AWS managed policies of the platform's roles hold no CreateGrant)
        principal = role.principal(None, scps)
        for stack, key in keys:
            if stack.account != role.stack.account:
                continue
            context = {
                "kms:ViaService": f"sagemaker.{stack.region}.amazonaws.com",
                "kms:GrantIsForAWSResource": "true",
                "kms:GrantOperations": list(VOLUME_OPERATIONS),
                "kms:GranteePrincipal": GRANTEE,
                "aws:RequestedRegion": stack.region,
            }
            request = Request(
                principal, "kms:CreateGrant", key, stack.account, assembly.policies_for(key), context=context
            )
            if evaluate(request).decision == "allow":
                name = role.arn.rsplit("/", 1)[-1]
                out.append(Grant(key, GRANTEE, VOLUME_OPERATIONS, source=f"implied by {name}'s CreateGrant"))
    return out
