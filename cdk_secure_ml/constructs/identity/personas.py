"""MlPersonas: the people's persona roles, the per-team SageMaker execution roles, their managed policies,
and :meth:`MlPersonas.grant` to give an existing role, user or group a persona.

Personas (docs/identity.md):

- **data-scientist**: trains, processes and tunes in their team's space and opens their own Studio
  profile; cannot create or change endpoints and cannot touch CI/CD;
- **ml-engineer**: builds models, deploys and operates endpoints and pipelines; cannot create
  training or tuning jobs;
- **ml-admin**: runs the Studio domain, user profiles and spaces; no data access, no jobs;
- **model-consumer**: may only invoke named endpoints.

A team tag (key configurable, ``team`` by default) is on principals (session tags for people, role tags
for execution roles) and on resources; the statements (:mod:`.statements`, :mod:`.guardrails`) compare them.
"""

from __future__ import annotations

from collections.abc import Sequence

import jsii
from aws_cdk import Duration, Stack, Tags, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct, DependencyGroup, IDependable

from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.constructs.identity.feature_store import feature_store_statements
from cdk_secure_ml.constructs.identity.guardrails import guardrail_statements
from cdk_secure_ml.constructs.identity.mlflow_access import mlflow_admin_statements, mlflow_user_statements
from cdk_secure_ml.constructs.identity.sagemaker_images import sagemaker_image_repository_arns
from cdk_secure_ml.constructs.identity.statements import (
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
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.principals import sagemaker_principal
from cdk_secure_ml.core.identity import persona_problems
from cdk_secure_ml.core.names import EXECUTION_PERSONAS, PERSONAS
from cdk_secure_ml.core.problems import messages
from cdk_secure_ml.policies.acknowledgements import acknowledge_wildcards, justify_iam_lint, skip_checkov

#: Default ``max_session_duration`` of the human roles, in hours.
DEFAULT_MAX_SESSION_HOURS = 4

#: Name prefix of the roles IAM Identity Center provisions for permission sets; IAM refuses changes to
#: them (https://repost.aws/knowledge-center/identity-center-aws-reserved-sso).
IDENTITY_CENTER_ROLE_PREFIX = "AWSReservedSSO_"

_BROWSE_REASON = (
    "Read-only browsing of SageMaker (List*, Search): most List actions have no resource-level "
    "permissions; the few that name a parent resource (an image's versions, a hub's contents, a cluster's "
    "nodes, aliases) return metadata only, and scoping them would break browsing in Studio and the "
    "console. The statement changes nothing and reads no S3 or KMS data, but Search returns whole records "
    "of every team's jobs, models and pipelines (environment, hyperparameters, S3 URIs; "
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Search.html): a known, accepted "
    "cross-team disclosure of metadata (docs/identity.md, 'What personas can see')."
)
_PREBUILT_IMAGES_REASON = (
    "In an environment-agnostic stack the Region is known only at deploy time: PullSageMakerImages' Resource "
    "is Fn::FindInMap over the stack's mapping of each Region to the repositories of the accounts that "
    "publish SageMaker's prebuilt images there (constructs/identity/sagemaker_images.py), a list of "
    "repository ARNs and never '*'."
)
_ENI_REASON = (
    "The ENI permissions of SageMaker VPC jobs must carry no condition or resource filter, or SageMaker's "
    "processing-job validation fails (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html); "
    "the guardrails deny jobs outside the platform's subnets and security groups."
)

_MLFLOW_API_REASON = (
    "sagemaker-mlflow:* on the team's tracking server only: every MLflow API action is authorized on the "
    "server's ARN except AccessUI, which has no resource type and is granted on '*' in its own statement "
    "(MlflowUi); the wildcard keeps MLflow API actions AWS adds later working on the team's server "
    "(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html)."
)


def add_source_identity_trust(role: iam.Role, principal: iam.IPrincipal) -> None:
    """Let ``principal`` (SageMaker) set a source identity when it assumes ``role``.

    With the domain's ``ExecutionRoleIdentityConfig=USER_PROFILE_NAME``, every execution role must
    allow ``sts:SetSourceIdentity`` in its trust policy, or job creation fails with
    AccessDeniedException or ValidationError
    (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html); training and
    processing jobs created from Studio assume their role with that source identity too
    (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html).
    """
    assert role.assume_role_policy is not None  # a Role always has a trust policy
    role.assume_role_policy.add_statements(
        iam.PolicyStatement(actions=["sts:SetSourceIdentity"], principals=[principal])
    )


class MlPersonas(Construct):
    """Human persona roles and per-team SageMaker execution roles, with least-privilege policies.

    :param platform: the platform name (role paths ``/<platform>/people/`` and ``/<platform>/execution/``).
    :param teams: team names (lower-case words). Each gets a data-scientist and an ml-engineer
        execution role, tagged with ``team_tag_key`` = team, under the path
        ``/<platform>/execution/<persona>/<team>/`` (PassRole is granted by that path).
    :param vpc: the platform VPC (its ARN is kept in :attr:`context`). ENI permissions are not scoped
        to it: SageMaker's processing-job validation fails on a conditioned ENI grant; the guardrails
        pin jobs to ``subnets`` and ``security_groups`` instead.
    :param subnets: the only subnets jobs may use: an ``ec2.SubnetSelection`` of ``vpc`` or the subnets
        themselves; at least one.
    :param security_groups: the only security groups jobs may use; at least one.
    :param data_bucket, artifacts_bucket, data_key, artifacts_key, volumes_key: what jobs read,
        write and encrypt with.
    :param instance_types: allow-list of instance types (``ml.*``); empty = no restriction.
    :param trusted_principal: who may assume the human roles: a SAML provider (federation) or an
        account (e.g. an identity account whose SSO roles assume these). Never IAM users. Default:
        this account (``iam.AccountRootPrincipal``).
    :param team_tag_key, user_tag_key: the ABAC tag keys. Default ``team`` and ``user``.
    :param consumer_endpoint_names: endpoints the model-consumer role may invoke.
    :param model_source_account: the delivery (tooling) account whose model-artifacts bucket the
        execution roles may read promoted models from, and whose repositories they may pull images from (see
        :func:`~cdk_secure_ml.constructs.identity.statements.promoted_model_statements`).
    :param image_accounts: 12-digit accounts whose Amazon ECR repositories (this Region) the execution roles
        may pull images from besides this account and ``model_source_account`` (an organization's shared
        image account). Default none: an image of any other account is refused, except SageMaker's prebuilt
        images of the Region, which the roles pull too (``PullSageMakerImages``,
        :func:`~cdk_secure_ml.constructs.identity.sagemaker_images.sagemaker_image_repository_arns`).
    :param max_session_duration: of the human roles. Default 4 hours.
    :param feature_store: add the ``FeatureStore`` (data scientists) and ``FeatureStoreRead`` (ML engineers)
        policies: their team's feature groups (:mod:`.feature_store`). Default False.
    :param mlflow_mode: ``per-team`` or ``shared`` when the platform runs managed MLflow
        (:class:`~cdk_secure_ml.constructs.mlflow.MlflowTrackingServers`): data scientists, ML engineers and
        their execution roles reach their team's (or the shared) tracking server, ML admins may start and
        stop the servers (:mod:`.mlflow_access`). Default None: no MLflow statements.
    :param human_personas: the personas that get a human role; default all of :data:`PERSONAS`. A
        production account managed only by its pipeline passes ``("model-consumer",)`` or ``()``:
        no human write roles (docs/delivery.md, break-glass access).
    :raises ValueError: every problem of the arguments at once (``MlPersonas: ...; ...``), each naming
        the value and the fix (:func:`cdk_secure_ml.core.identity.persona_problems` for the CDK-free ones).

    Attributes:

    - ``human_roles`` (``dict[str, iam.Role]``): persona -> the role people assume (``human_role(persona)``).
    - ``execution_roles`` (``dict[tuple[str, str], iam.Role]``): (persona, team) -> SageMaker execution role
      (``execution_role(persona, team)``).
    - ``policies`` (``dict[str, iam.ManagedPolicy]``): policy name -> managed policy.
    - ``teams`` (``tuple[str, ...]``): as given.
    - ``context`` (``PlatformContext``): platform name, network and keys as the statements use them.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        teams: Sequence[str],
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
        data_bucket: s3.IBucket,
        artifacts_bucket: s3.IBucket,
        data_key: kms.IKey,
        artifacts_key: kms.IKey,
        volumes_key: kms.IKey,
        instance_types: Sequence[str] = (),
        trusted_principal: iam.IPrincipal | None = None,
        team_tag_key: str = "team",
        user_tag_key: str = "user",
        consumer_endpoint_names: Sequence[str] = (),
        model_source_account: str | None = None,
        max_session_duration: Duration | None = None,
        human_personas: Sequence[str] | None = None,
        feature_store: bool = False,
        mlflow_mode: str | None = None,
        image_accounts: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self._feature_store = feature_store
        job_subnets = _selected_subnets(vpc, subnets)
        problems = messages(persona_problems(
            teams=teams, instance_types=instance_types, team_tag_key=team_tag_key, user_tag_key=user_tag_key,
            human_personas=human_personas, image_accounts=image_accounts))
        if not job_subnets:
            problems.append("subnets is empty; jobs must be pinned to the platform's subnets")
        if not security_groups:
            problems.append("security_groups is empty; jobs must be pinned to the platform's security groups")
        if problems:
            raise ValueError("MlPersonas: " + "; ".join(problems))

        stack = Stack.of(self)
        self.context = PlatformContext(
            partition=stack.partition, region=stack.region, account=stack.account, platform=platform,
            subnet_ids=[s.subnet_id for s in job_subnets],
            security_group_ids=[g.security_group_id for g in security_groups],
            data_bucket_arn=data_bucket.bucket_arn, artifacts_bucket_arn=artifacts_bucket.bucket_arn,
            data_key_arn=data_key.key_arn, artifacts_key_arn=artifacts_key.key_arn,
            volumes_key_arn=volumes_key.key_arn, instance_types=list(instance_types),
            team_tag_key=team_tag_key, user_tag_key=user_tag_key,
            consumer_endpoint_names=list(consumer_endpoint_names),
            vpc_arn=vpc.vpc_arn,
            model_source_account=model_source_account,
            image_accounts=list(image_accounts),
            sagemaker_image_repositories=sagemaker_image_repository_arns(self),
        )
        self.teams = tuple(teams)
        #: Shared managed policies by construct id (one document serves every team through
        #: ``${aws:PrincipalTag/...}``).
        self.policies: dict[str, iam.ManagedPolicy] = {}
        self._statements: dict[str, list[iam.PolicyStatement]] = {}
        self._new_policies(platform)
        if mlflow_mode is not None:
            self._new_mlflow_policies(platform, mlflow_mode)
        self._human_policies = self._policy_sets()
        self.human_roles: dict[str, iam.Role] = {}
        self._new_human_roles(
            platform, trusted_principal or iam.AccountRootPrincipal(),
            max_session_duration or Duration.hours(DEFAULT_MAX_SESSION_HOURS), human_personas,
        )
        self.execution_roles: dict[tuple[str, str], iam.Role] = {}
        self._new_execution_roles(platform)
        self._acknowledge_wildcards()

    # ------------------------------------------------------------------------------------------ policies

    def _new_policies(self, platform: str) -> None:
        """The shared managed policies, in the order (and with the construct ids) of the first release."""
        ctx = self.context

        def policy(construct_id: str, statements: list[iam.PolicyStatement], description: str) -> None:
            self.policies[construct_id] = iam.ManagedPolicy(
                self, construct_id, description=f"{platform}: {description}", statements=statements)
            self._statements[construct_id] = statements

        policy("Guardrails", guardrail_statements(ctx),
               "SageMaker guardrails on condition keys (VPC, keys, isolation, instance types)")
        policy("TeamData", team_data_statements(ctx), "read and write the team's S3 prefixes")
        policy("TeamDataRead", team_data_statements(ctx, write=False), "read the team's S3 prefixes")
        policy("DataScientist", data_scientist_statements(ctx) + data_scientist_denials(ctx),
               "data scientists: the team's jobs and experiments, no deployments or CI/CD")
        policy("MlEngineer", ml_engineer_statements(ctx) + ml_engineer_denials(ctx),
               "ML engineers: the team's models, endpoints and pipelines, no training")
        policy("MlAdmin", ml_admin_statements(ctx) + ml_admin_denials(ctx),
               "ML admins: Studio domain, profiles and spaces")
        policy("StudioAccess", studio_access_statements(ctx), "open one's own Studio profile")
        policy("StudioUser", studio_user_statements(ctx),
               "what the Studio UI does as the execution role: the caller's own private spaces")
        policy("SageMakerExecution", execution_role_statements(ctx) + promoted_model_statements(ctx),
               "what SageMaker needs on an execution role's behalf")
        skip_checkov(self.policies["SageMakerExecution"], _ENI_REASON, "CKV_AWS_111", "CKV_AWS_109")
        justify_iam_lint(
            self.policies["SageMakerExecution"], _ENI_REASON, "RESOURCE_STAR",
            policy="PolicyDocument/NetworkInterfacesForVpcJobs",
            detail="*Unnecessary use of Resource [*]: ec2:CreateNetworkInterface, "
            "ec2:CreateNetworkInterfacePermission, ec2:DeleteNetworkInterface*",
        )
        if Token.is_unresolved(Stack.of(self).region):
            justify_iam_lint(self.policies["SageMakerExecution"], _PREBUILT_IMAGES_REASON, "UNRESOLVED",
                             policy="PolicyDocument/PullSageMakerImages")
        for browsing in ("DataScientist", "MlEngineer", "MlAdmin"):
            justify_iam_lint(self.policies[browsing], _BROWSE_REASON, "RESOURCE_STAR",
                             policy="PolicyDocument/BrowseSageMaker")
        if self._feature_store:
            policy("FeatureStore", feature_store_statements(ctx),
                   "the team's feature groups: records and metadata")
            policy("FeatureStoreRead", feature_store_statements(ctx, write=False),
                   "read the team's feature groups")
        consumer_statements = model_consumer_statements(ctx)
        if consumer_statements:
            policy("ModelConsumer", consumer_statements, "invoke named endpoints")

    def _new_mlflow_policies(self, platform: str, mode: str) -> None:
        """The MLflow policies (:mod:`.mlflow_access`), after the first release's."""
        for construct_id, statements, description in (
            ("Mlflow", mlflow_user_statements(self.context, mode), "the team's MLflow tracking server"),
            ("MlflowAdmin", mlflow_admin_statements(self.context), "start and stop MLflow tracking servers"),
        ):
            self.policies[construct_id] = iam.ManagedPolicy(
                self, construct_id, description=f"{platform}: {description}", statements=statements)
            self._statements[construct_id] = statements
        justify_iam_lint(self.policies["Mlflow"], _MLFLOW_API_REASON, "RESOURCE_MISMATCH",
                         policy="PolicyDocument/MlflowApiOnTeamServer", detail="*sagemaker-mlflow:AccessUI*")

    def _policy_sets(self) -> dict[str, list[str]]:
        """Persona -> the ids of its human role's managed policies (what :meth:`grant` attaches)."""
        mlflow = ["Mlflow"] if "Mlflow" in self.policies else []
        sets = {
            "data-scientist": ["Guardrails", "TeamData", "DataScientist", "StudioAccess", *mlflow],
            "ml-engineer": ["Guardrails", "TeamDataRead", "MlEngineer", "StudioAccess", *mlflow],
            "ml-admin": ["Guardrails", "MlAdmin", *(["MlflowAdmin"] if mlflow else [])],
            "model-consumer": ["ModelConsumer"] if "ModelConsumer" in self.policies else [],
        }
        if self._feature_store:
            sets["data-scientist"].append("FeatureStore")
            sets["ml-engineer"].append("FeatureStoreRead")
        return sets

    # ------------------------------------------------------------------------------------------ roles

    def _new_human_roles(
        self, platform: str, principal: iam.IPrincipal, max_session_duration: Duration,
        human_personas: Sequence[str] | None,
    ) -> None:
        """One role per persona; the team comes from the session's principal tag."""
        for persona in PERSONAS if human_personas is None else [p for p in PERSONAS if p in human_personas]:
            role = iam.Role(
                self,
                pascal_case(persona) + "Role",
                assumed_by=principal,
                description=f"{platform}: {persona} (assumed through federation with session tags)",
                path=f"/{platform}/people/",
                max_session_duration=max_session_duration,
                managed_policies=[self.policies[i] for i in self._human_policies[persona]],
            )
            # ABAC needs the team (and user) as session tags on the assumed role.
            assert role.assume_role_policy is not None  # a Role always has a trust policy
            role.assume_role_policy.add_statements(
                iam.PolicyStatement(actions=["sts:TagSession"], principals=[principal])
            )
            Tags.of(role).add("secure-ml:persona", persona)
            self.human_roles[persona] = role

    def _new_execution_roles(self, platform: str) -> None:
        """Per persona and team, tagged with the team (their principal tag)."""
        ctx = self.context
        p = self.policies
        sagemaker_trust = sagemaker_principal(self)
        execution_policies = {
            "data-scientist": [p["Guardrails"], p["TeamData"], p["DataScientist"], p["SageMakerExecution"],
                               p["StudioUser"]],
            "ml-engineer": [p["Guardrails"], p["TeamData"], p["MlEngineer"], p["SageMakerExecution"],
                            p["StudioUser"]],
        }
        if self._feature_store:
            execution_policies["data-scientist"].append(p["FeatureStore"])
            execution_policies["ml-engineer"].append(p["FeatureStoreRead"])
        if "Mlflow" in p:  # notebooks and jobs log to the team's tracking server too
            for policies in execution_policies.values():
                policies.append(p["Mlflow"])
        for persona in EXECUTION_PERSONAS:
            for team in self.teams:
                role = iam.Role(
                    self,
                    f"{pascal_case(persona)}{pascal_case(team)}ExecutionRole",
                    assumed_by=sagemaker_trust,
                    description=f"{platform}: SageMaker execution role of team {team} ({persona})",
                    path=ctx.execution_role_path(persona, team),
                    managed_policies=list(execution_policies[persona]),
                )
                add_source_identity_trust(role, sagemaker_trust)
                # The team tag is the role's principal tag: it must win over any stage-wide tag.
                Tags.of(role).add(ctx.team_tag_key, team, priority=300)
                Tags.of(role).add("secure-ml:persona", persona)
                self.execution_roles[(persona, team)] = role

    # ------------------------------------------------------------------------------------------ lookups

    def execution_role(self, persona: str, team: str) -> iam.Role:
        """The execution role of ``persona`` for ``team``; ValueError names what exists."""
        try:
            return self.execution_roles[(persona, team)]
        except KeyError:
            raise ValueError(
                f"no execution role for persona {persona!r} and team {team!r}; personas with execution "
                f"roles: {list(EXECUTION_PERSONAS)}, teams: {list(self.teams)}"
            ) from None

    def human_role(self, persona: str) -> iam.Role:
        """The human role of ``persona``; ValueError names the personas."""
        try:
            return self.human_roles[persona]
        except KeyError:
            raise ValueError(f"unknown persona {persona!r}; use one of {list(PERSONAS)}") from None

    # ------------------------------------------------------------------------------------------ grant

    def grant(self, persona: str, grantee: iam.IGrantable, team: str | None = None) -> iam.Grant:
        """Give ``grantee`` what ``persona``'s human role gets: the same managed policies, attached to it.

        For a role, user or group that exists outside this construct (a CI role, a role of another
        stack, an imported role: ``iam.Role.from_role_name(...)``), so it acts as that persona. The
        policies decide by the team tag (ABAC): the grantee's principal must carry ``team_tag_key``,
        as a session tag or, with ``team``, as its own tag.

        A role or user defined in this app gets the policies in its ``ManagedPolicyArns``; an imported
        one through the policies' ``Roles``/``Users``/``Groups``. The roles IAM Identity Center
        provisions (``AWSReservedSSO_*``) are refused: IAM lets only Identity Center change them
        (https://repost.aws/knowledge-center/identity-center-aws-reserved-sso); let a permission set's
        role assume the persona roles instead (docs/identity.md, "People and IAM Identity Center").

        :param persona: one of :data:`~cdk_secure_ml.core.names.PERSONAS`.
        :param grantee: the role, user or group to grant to.
        :param team: one of :attr:`teams`: tag the grantee (an ``iam.Role`` or ``iam.User`` of this app)
            with ``team_tag_key`` = ``team``, as the execution roles are, so it works for that team
            without session tags (a session tag of the same key overrides a role's tag:
            https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). Default: none (the
            team comes from the session).
        :returns: an ``iam.Grant`` whose ``principal_statements`` are the Allow statements of the attached
            policies (their Deny statements come with them); ``success`` is True and
            ``apply_before(construct)`` makes ``construct`` wait for the policies and the grantee.
        :raises ValueError: an unknown persona or team (naming the choices); ``model-consumer`` without
            ``consumer_endpoint_names`` (nothing to attach); a grantee that is not a role, user or group,
            or is an Identity Center role; ``team`` with a grantee this app cannot tag.
        """
        if persona not in PERSONAS:
            raise ValueError(f"MlPersonas.grant: unknown persona {persona!r}; use one of {list(PERSONAS)}")
        if team is not None and team not in self.teams:
            raise ValueError(f"MlPersonas.grant: unknown team {team!r}; use one of {list(self.teams)}")
        policy_ids = self._human_policies[persona]
        if not policy_ids:
            raise ValueError(
                "MlPersonas.grant: persona 'model-consumer' has no policy to attach because "
                "consumer_endpoint_names is empty; name the endpoints it may invoke"
            )
        if not hasattr(grantee, "grant_principal"):
            raise TypeError(
                f"MlPersonas.grant: grantee {grantee!r} is not an iam.IGrantable; pass an iam.Role, User or "
                "Group (iam.Role.from_role_arn(scope, id, arn) for an existing role)"
            )
        principal = grantee.grant_principal
        _check_attachable(principal, team)
        _check_same_account(principal, Stack.of(self).account)
        policies = [self.policies[i] for i in policy_ids]
        for managed in policies:
            _attach(managed, principal)
        if team is not None:
            Tags.of(principal).add(self.context.team_tag_key, team, priority=300)  # type: ignore[arg-type]
        attached = _AttachedPolicies(principal, DependencyGroup(*policies, *_constructs(principal)))
        grants = [
            iam.Grant.add_to_principal(
                grantee=attached, actions=statement.actions, resource_arns=statement.resources,
                conditions=statement.conditions or None,
            )
            for policy_id in policy_ids
            for statement in self._statements[policy_id]
            if statement.effect == iam.Effect.ALLOW
        ]
        result = grants[0]
        for other in grants[1:]:
            result = result.combine(other)
        return result

    def _acknowledge_wildcards(self) -> None:
        reason = (
            "Least-privilege ABAC: wildcards stand for resources the team creates later (jobs, "
            "endpoints, its S3 prefix via ${aws:PrincipalTag}); tag conditions, the guardrail Deny "
            "statements and the permissions boundary bound them. Actions without resource-level "
            "permissions (List*, ecr:GetAuthorizationToken, EC2 ENI actions, PutMetricData) need '*'."
        )
        for managed in self.policies.values():
            acknowledge_wildcards(managed, reason)


# ---------------------------------------------------------------------------------------------- helpers


def _selected_subnets(
    vpc: ec2.IVpc, subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet]
) -> Sequence[ec2.ISubnet]:
    if not isinstance(subnets, ec2.SubnetSelection):
        return subnets
    return vpc.select_subnets(
        availability_zones=subnets.availability_zones, one_per_az=subnets.one_per_az,
        subnet_filters=subnets.subnet_filters, subnet_group_name=subnets.subnet_group_name,
        subnets=subnets.subnets, subnet_type=subnets.subnet_type,
    ).subnets


def _describe(principal: iam.IPrincipal) -> str:
    node = getattr(principal, "node", None)
    return node.path if node is not None else type(principal).__name__


def _constructs(principal: iam.IPrincipal) -> list[IDependable]:
    return [principal] if isinstance(principal, Construct) else []


def _check_attachable(principal: iam.IPrincipal, team: str | None) -> None:
    """Refuse what cannot take managed policies (or the team tag) here, before anything is attached."""
    if not callable(getattr(principal, "add_managed_policy", None)):
        raise ValueError(
            f"MlPersonas.grant: grantee {_describe(principal)} is not an IAM role, user or group; the "
            "persona's policies are managed policies, which attach only to those"
        )
    role_name = getattr(principal, "role_name", None)
    if isinstance(role_name, str) and role_name.startswith(IDENTITY_CENTER_ROLE_PREFIX):
        raise ValueError(
            f"MlPersonas.grant: role {role_name} is provisioned by IAM Identity Center, and IAM refuses "
            "changes to it (https://repost.aws/knowledge-center/identity-center-aws-reserved-sso); let the "
            "permission set's role assume the persona roles (identity.trusted_account_id, docs/identity.md)"
        )
    if team is not None and not isinstance(principal, iam.Role | iam.User):
        raise ValueError(
            f"MlPersonas.grant: team={team!r} tags the grantee, and {_describe(principal)} is not an "
            "iam.Role or iam.User defined in this app; tag it where it is defined, or pass the team as a "
            "session tag and call grant without team"
        )


def _attach(policy: iam.ManagedPolicy, principal: iam.IPrincipal) -> None:
    """Attach ``policy`` to a role, user or group. One defined in this app takes it in its own
    ``ManagedPolicyArns``; an imported one is named on the policy (``Roles``/``Users``/``Groups``), because
    CDK's imported groups and immutable roles ignore ``add_managed_policy`` and imported users refuse it
    (https://github.com/aws/aws-cdk/issues/22482)."""
    if isinstance(principal, iam.Role | iam.User | iam.Group):
        principal.add_managed_policy(policy)
    elif getattr(principal, "role_name", None) is not None:
        policy.attach_to_role(principal)  # type: ignore[arg-type]
    elif getattr(principal, "user_name", None) is not None:
        policy.attach_to_user(principal)  # type: ignore[arg-type]
    else:
        name = getattr(principal, "group_name", "")
        if isinstance(name, str) and "/" in name and not Token.is_unresolved(name):
            # CDK keeps an ARN's path in an imported group's name; a policy's Groups take the bare name.
            raise ValueError(
                f"MlPersonas.grant: group {name!r} was imported with its path; import it by name "
                f"(iam.Group.from_group_name(scope, id, {name.rsplit('/', 1)[-1]!r}))"
            )
        policy.attach_to_group(principal)  # type: ignore[arg-type]


def _check_same_account(principal: iam.IPrincipal, account: str) -> None:
    """A managed policy attaches only in its own account: refuse a grantee of another account. The
    principal's account is the one of its ARN (an imported user's or group's ``env`` is the stack's)."""
    env = getattr(principal, "env", None)
    other = getattr(principal, "principal_account", None) or getattr(env, "account", None)
    if isinstance(other, str) and not Token.is_unresolved(other) and not Token.is_unresolved(account) \
            and other != account:
        raise ValueError(
            f"MlPersonas.grant: grantee {_describe(principal)} is in account {other}, the persona policies "
            f"in {account}; a managed policy attaches only in its own account: let a role of {account} "
            "trust the grantee (identity.trusted_account_id, docs/identity.md)"
        )


@jsii.implements(iam.IPrincipal)
class _AttachedPolicies:
    """The grantee's principal as ``iam.Grant.add_to_principal`` sees it in :meth:`MlPersonas.grant`.

    ``iam.Grant`` has no public factory for "these managed policies were attached", and its constructor
    is private. ``Grant.add_to_principal`` asks the principal to add each statement; the statements
    already are in the attached managed policies, so this principal answers "added" with the
    attachment (policies and grantee) as the dependable. Every other member is the grantee's.
    """

    def __init__(self, principal: iam.IPrincipal, attachment: IDependable) -> None:
        self._principal = principal
        self._attachment = attachment

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self

    @property
    def assume_role_action(self) -> str:
        return self._principal.assume_role_action

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        return self._principal.policy_fragment

    @property
    def principal_account(self) -> str | None:
        return self._principal.principal_account

    def add_to_policy(self, statement: iam.PolicyStatement) -> bool:
        return self.add_to_principal_policy(statement).statement_added

    def add_to_principal_policy(self, statement: iam.PolicyStatement) -> iam.AddToPrincipalPolicyResult:
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self._attachment)
