"""Identity: the permissions boundary, persona roles, SageMaker execution roles and their policies.

The package, by job (imports flow down the list):

- :mod:`.actions`: the SageMaker and CI/CD action groups the statements name;
- :mod:`.context`: :class:`PlatformContext`, what the statements refer to, and :func:`execution_role_path`;
- :mod:`.guardrails`: the ceilings, :func:`boundary_statements` and :func:`guardrail_statements`;
- :mod:`.statements`: what each persona and execution role may do, and its separation-of-duty denials;
- :mod:`.boundary`: :class:`PlatformPermissionsBoundary`, the managed policy that caps every role;
- :mod:`.personas`: :class:`MlPersonas`, the roles and managed policies, and :meth:`MlPersonas.grant`.

Every statement is built by a pure function of :mod:`.guardrails` or :mod:`.statements`, so tests and the
reference app read the same documents. The names below are re-exported, so
``from cdk_secure_ml.constructs.identity import MlPersonas`` keeps working.
"""

from cdk_secure_ml.constructs.identity.actions import (
    CICD_ACTIONS,
    DATA_SCIENCE_JOB_ACTIONS,
    DEPLOYMENT_ACTIONS,
    DISTRIBUTED_JOB_ACTIONS,
    ENCRYPTED_JOB_ACTIONS,
    INSTANCE_ACTIONS,
    ISOLATED_ACTIONS,
    VPC_JOB_ACTIONS,
)
from cdk_secure_ml.constructs.identity.boundary import PlatformPermissionsBoundary
from cdk_secure_ml.constructs.identity.context import PlatformContext, execution_role_path
from cdk_secure_ml.constructs.identity.guardrails import boundary_statements, guardrail_statements
from cdk_secure_ml.constructs.identity.personas import MlPersonas, add_source_identity_trust
from cdk_secure_ml.constructs.identity.statements import (
    STUDIO_DOMAIN_VARIABLE,
    STUDIO_PROFILE_VARIABLE,
    data_scientist_denials,
    data_scientist_statements,
    execution_role_statements,
    ml_admin_denials,
    ml_admin_statements,
    ml_engineer_denials,
    ml_engineer_statements,
    model_consumer_statements,
    promoted_model_statements,
    studio_access_statements,
    studio_user_statements,
    team_data_statements,
)
from cdk_secure_ml.core.names import EXECUTION_PERSONAS, PERSONAS

__all__ = [
    "CICD_ACTIONS",
    "DATA_SCIENCE_JOB_ACTIONS",
    "DEPLOYMENT_ACTIONS",
    "DISTRIBUTED_JOB_ACTIONS",
    "ENCRYPTED_JOB_ACTIONS",
    "EXECUTION_PERSONAS",
    "INSTANCE_ACTIONS",
    "ISOLATED_ACTIONS",
    "PERSONAS",
    "STUDIO_DOMAIN_VARIABLE",
    "STUDIO_PROFILE_VARIABLE",
    "VPC_JOB_ACTIONS",
    "MlPersonas",
    "PlatformContext",
    "PlatformPermissionsBoundary",
    "add_source_identity_trust",
    "boundary_statements",
    "data_scientist_denials",
    "data_scientist_statements",
    "execution_role_statements",
    "execution_role_path",
    "guardrail_statements",
    "ml_admin_denials",
    "ml_admin_statements",
    "ml_engineer_denials",
    "ml_engineer_statements",
    "model_consumer_statements",
    "promoted_model_statements",
    "studio_access_statements",
    "studio_user_statements",
    "team_data_statements",
]
