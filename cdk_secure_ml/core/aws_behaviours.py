"""Every behaviour of AWS the platform relies on, one line each, with the page of AWS's documentation
that states it.

The platform's tests and its emulator used to encode the same beliefs about AWS, so a wrong belief
passed both (the deployability review of 2026-11-30; its finding ids are in ``findings``). Each belief
is now written down once, here, with its source, and enforced wherever it can run:

- a test that depends on a behaviour carries ``@pytest.mark.aws_behaviour("<id>")``;
- an emulator check that refuses what AWS refuses calls
  ``cdk_secure_ml.emulator.refusals.refuse("<id>", ...)``.

``docs/aws-behaviours.md`` is generated from this table and from those two kinds of reference
(``python -m tools.aws_behaviours_doc``); a test keeps it current, fails on a reference to an unknown id,
and fails on a behaviour that nothing enforces.

To add a behaviour: verify it against AWS's documentation (the URL must state it), add a line to
:data:`BEHAVIOURS` under its service, mark the tests that rely on it, and regenerate the page.

Longer than 600 lines because it is one table, one entry per behaviour, read whole: splitting it by
service would scatter what a reviewer reads in one place and the ids that tests and the emulator look up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsBehaviour:
    """One behaviour of AWS.

    :param id: stable, ``<service>.<what>`` in lower case with hyphens; tests and the emulator refer to it.
    :param service: the AWS service (or tool) whose behaviour it is, as AWS names it.
    :param behaviour: one sentence: what AWS does or refuses.
    :param source: the URL of the AWS page (or AWS re:Post / SDK page) that states it.
    :param findings: ids of the review findings that relied on the opposite (``D1``, ``E5``, ...).
    """

    id: str
    service: str
    behaviour: str
    source: str
    findings: tuple[str, ...] = ()


def _b(id: str, service: str, behaviour: str, source: str, *findings: str) -> AwsBehaviour:
    return AwsBehaviour(id, service, behaviour, source, tuple(findings))


#: THE table. Grouped by service; ids are unique (a test checks it).
BEHAVIOURS: tuple[AwsBehaviour, ...] = (
    # ---------------------------------------------------------------- AWS CloudFormation
    _b("cloudformation.custom-name-replacement",
       "AWS CloudFormation",
       "An update that must replace a resource whose custom name stays the same fails; replacing it needs a "
       "new name (or a generated one).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html",
       "D7", "D9"),
    _b("cloudformation.replacement-creates-first",
       "AWS CloudFormation",
       "A replacement creates the new resource first, points dependent resources at it, then deletes the old "
       "one in the cleanup phase.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html"),
    _b("cloudformation.create-only-properties",
       "AWS CloudFormation",
       "A change to a property that the resource type's schema lists as createOnlyProperties replaces the "
       "resource; other changes update it in place.",
       "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html"),
    _b("cloudformation.failed-operation-rolls-back",
       "AWS CloudFormation",
       "When a resource fails, a stack create rolls back by deleting what it created (ROLLBACK_COMPLETE) and "
       "a stack update returns to the previous template (UPDATE_ROLLBACK_COMPLETE).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html"),
    _b("cloudformation.export-in-use",
       "AWS CloudFormation",
       "After another stack imports an exported output, the exporting stack cannot be deleted and the export "
       "cannot be changed or removed.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html",
       "S4"),
    _b("cloudformation.get-stack-output-weak",
       "AWS CloudFormation",
       "Fn::GetStackOutput is a weak reference: the producing stack may change or delete the output without "
       "the consumer being updated or blocked.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html",
       "S4"),
    _b("cloudformation.deletion-policy-retain",
       "AWS CloudFormation",
       "A resource with DeletionPolicy Retain is kept (not deleted) when its stack is deleted or it leaves "
       "the template.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"),

    _b("iam.delete-policy-detach-first",
       "AWS Identity and Access Management",
       "A managed policy must be detached from every user, group and role before it can be deleted.",
       "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html"),

    _b("ec2.subnet-public-ip-only-default-vpc",
       "Amazon EC2",
       "A subnet maps public IPv4 addresses on launch only if its MapPublicIpOnLaunch attribute is set; only "
       "the default subnets of a default VPC have it set by default.",
       "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html"),

    _b("cloudformation.language-extensions",
       "AWS CloudFormation",
       "With Transform AWS::LanguageExtensions, Fn::ForEach copies a fragment once per collection item, and "
       "Fn::Length and Fn::ToJsonString are resolved, before any resource is created.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html"),
    _b("cloudformation.parameter-allowed-values",
       "AWS CloudFormation",
       "A parameter with AllowedValues accepts any of them at create or update, whatever its Default.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ParameterConstraints.html"),
    _b("cloudformation.conditions-evaluated-at-deploy",
       "AWS CloudFormation",
       "Conditions are evaluated at create or update from the input parameters (and pseudo parameters); "
       "Fn::If returns its second or third argument by the condition.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html"),
    _b("sam.function-policies-generated-role",
       "AWS SAM",
       "An AWS::Serverless::Function with Policies and no Role gets a generated execution role: AWS managed "
       "policy names become ManagedPolicyArns, inline documents become its inline policies.",
       "https://repost.aws/knowledge-center/lambda-sam-template-permissions"),
    _b("iam.notresource-allow-everything-else",
       "AWS IAM",
       "An Allow with NotResource allows its actions on every resource except those listed.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"),
    _b("iam.resource-arn-wildcards",
       "AWS IAM",
       "In a Resource ARN, ? matches exactly one character and * any run of characters, within a segment: "
       "endpoint/churn-???????? matches churn-2147ed9d but not churn-v2-0123abcd.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"),
    _b("iam.stringlike-wildcard-matches-any",
       "AWS IAM",
       "StringLike/ArnLike values may hold * (any run of characters): a lone * matches every value of a key "
       "present in the request.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"),
    _b("iam.ifexists-null-missing-key",
       "AWS IAM",
       "A condition on a key missing from the request is false, except that an ...IfExists operator, a "
       "negated operator (StringNotEquals, NotIpAddress, ...) and Null with \"true\" are then true.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"),
    # ---------------------------------------------------------------- AWS CDK (the toolkit, not a service)
    _b("cdk.role-from-arn-token-path",
       "AWS CDK",
       "iam.Role.from_role_arn with an ARN token (such as Fn::ImportValue) of a role that has a path takes "
       "the first path component as the role name; pass the role object (its Ref) instead.",
       "https://github.com/aws/aws-cdk/issues/26175"),
    _b("cdk.validation-failure-fails-synth",
       "AWS CDK",
       "When a validation plugin reports a violation, app.synth() fails and the report goes to stderr and "
       "validation-report.json, unless the context key @aws-cdk/core:failSynthOnValidationErrors is false, "
       "which the CDK CLI sets so that it reports the failure itself.",
       "https://github.com/aws/aws-cdk/pull/37909"),

    # ---------------------------------------------------------------- SageMaker Studio teardown
    _b("sagemaker.delete-domain-needs-no-members",
       "Amazon SageMaker AI",
       "A domain cannot be deleted while it has user profiles or shared spaces (ResourceInUse).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html"),
    _b("sagemaker.delete-user-profile-needs-no-apps",
       "Amazon SageMaker AI",
       "A user profile cannot be deleted while it has apps that are not deleted or failed, or owns spaces; a "
       "space cannot be deleted while it has such apps.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile-remove.html"),
    _b("sagemaker.delete-domain-home-efs-retention",
       "Amazon SageMaker AI",
       "DeleteDomain keeps the home EFS volume unless RetentionPolicy.HomeEfsFileSystem is Delete.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteDomain.html"),

    # ---------------------------------------------------------------- AWS Config, Amazon GuardDuty, AWS
    # Organizations
    # (governance: D1-D4, D11, S2, S5)
    _b("config.delivery-bucket-no-object-lock",
       "AWS Config",
       "AWS Config does not support a delivery channel to an S3 bucket that has Object Lock enabled.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
       "D1"),
    _b("config.same-account-delivery-uses-recorder-role",
       "AWS Config",
       "AWS Config delivers to an S3 bucket of its own account by assuming the IAM role of the configuration "
       "recorder; it falls back to the config.amazonaws.com service principal only for a bucket of another "
       "account or with the service-linked role.",
       "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
       "D2"),
    _b("config.recorder-role-delivery-permissions",
       "AWS Config",
       "The recorder's role needs s3:PutObject (with the bucket-owner-full-control ACL) on "
       "AWSLogs/<account>/* and s3:GetBucketAcl on the bucket, and kms:GenerateDataKey and kms:Decrypt on "
       "the delivery KMS key.",
       "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
       "D2"),
    _b("config.delivery-channel-needs-recorder",
       "AWS Config",
       "A delivery channel can be created only once a configuration recorder exists in the account and "
       "Region (NoAvailableConfigurationRecorderException).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
       "D3"),
    _b("config.one-recorder-per-region",
       "AWS Config",
       "An account has at most one customer managed configuration recorder per Region "
       "(MaxNumberOfConfigurationRecordersExceededException).",
       "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html",
       "D4"),
    _b("config.one-delivery-channel-per-region",
       "AWS Config",
       "An account has at most one delivery channel per Region "
       "(MaxNumberOfDeliveryChannelsExceededException).",
       "https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html",
       "D4"),
    _b("guardduty.one-detector-per-region",
       "Amazon GuardDuty",
       "An account has at most one GuardDuty detector per Region; CreateDetector fails where one exists, "
       "e.g. one the organization's delegated administrator enabled.",
       "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html",
       "D4"),
    _b("guardduty.severity-up-to-critical",
       "Amazon GuardDuty",
       "GuardDuty finding severities run from low to critical (9.0-10.0); the API counts critical findings "
       "apart.",
       "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_SeverityBreakdown.html"),
    _b("organizations.policy-type-enabled-on-root",
       "AWS Organizations",
       "Policies of a type (SERVICE_CONTROL_POLICY, AISERVICES_OPT_OUT_POLICY) can be attached only after "
       "that type is enabled in the organization's root (PolicyTypeNotEnabledException).",
       "https://docs.aws.amazon.com/botocore/latest/reference/services/organizations/client/exceptions/"
       "PolicyTypeNotEnabledException.html",
       "D11"),
    _b("organizations.five-scps-per-target",
       "AWS Organizations",
       "At most 5 SCPs can be attached to one root, OU or account, counting every SCP attached there "
       "(FullAWSAccess and, e.g., Control Tower's).",
       "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
       "D11"),
    _b("iam.called-via-absent-with-service-role",
       "AWS Identity and Access Management",
       "aws:CalledVia is not in the request context when a service makes the call with a service role (such "
       "as CloudFormation's execution role), so a policy cannot tell those calls from the role's direct "
       "calls by it.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
       "S2"),
    _b("iam.principal-arn-of-role-session",
       "AWS Identity and Access Management",
       "For a role session, aws:PrincipalArn is the ARN of the role "
       "(arn:aws:iam::<account>:role/<path><name>), not of the session.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#"
       "condition-keys-principalarn",
       "S2", "D2"),
    _b("config.admin-access-rule-excludes-boundaries",
       "AWS Config",
       "The managed rule iam-policy-no-statements-with-admin-access takes excludePermissionBoundaryPolicy "
       "(boolean, default false); true leaves policies used as permissions boundaries out of the evaluation.",
       "https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html",
       "S5"),
    _b("config.s3-default-encryption-kms-no-exclusions",
       "AWS Config",
       "The managed rule s3-default-encryption-kms takes only kmsKeyArns as a parameter and flags every "
       "bucket not encrypted with a KMS key (a rule's Scope, API_Scope, can only include resources, never "
       "exclude them).",
       "https://docs.aws.amazon.com/config/latest/developerguide/s3-default-encryption-kms.html",
       "S5"),
    _b("config.compliance-change-event-fields",
       "AWS Config",
       "A compliance change notification names the rule (configRuleName), the resource (resourceType, "
       "resourceId) and newEvaluationResult.complianceType.",
       "https://docs.aws.amazon.com/config/latest/developerguide/example-config-rule-compliance-notification.html",
       "S5"),


    _b("config.iam-rules-not-in-regions-after-february-2022",
       "AWS Config",
       "The managed rules iam-policy-no-statements-with-admin-access, sagemaker-model-in-vpc, "
       "sagemaker-model-isolation-enabled and sagemaker-domain-in-vpc are not available in the Regions their "
       "pages list as exceptions (those AWS Config reached after February 2022: Spain, Zurich, UAE, ...).",
       "https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html"),

    # ---------------------------------------------------------------- SageMaker Studio, IAM for SageMaker
    # (studio and identity: E1-E4, E6, E9, E10, D7)
    _b("sagemaker.source-identity-needs-trust",
       "Amazon SageMaker AI",
       "With the domain's ExecutionRoleIdentityConfig set to USER_PROFILE_NAME, every execution role must "
       "allow sts:SetSourceIdentity in its trust policy, or job creation fails with AccessDeniedException or "
       "ValidationError.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html",
       "E1"),
    _b("sagemaker.jobs-take-the-source-identity",
       "Amazon SageMaker AI",
       "Training and processing jobs created from a Studio session ingest the session's source identity, so "
       "the roles passed to them are assumed with it too.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html",
       "E1"),
    _b("sagemaker.studio-private-space-permissions",
       "Amazon SageMaker AI",
       "Using private spaces in Studio needs CreateSpace/UpdateSpace/DeleteSpace and CreateApp/DeleteApp "
       "(scoped by sagemaker:OwnerUserProfileArn and sagemaker:SpaceSharingType), Describe and List on the "
       "domain, profile, spaces and apps, and AddTags on create, because Studio tags what it creates.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html",
       "E2"),
    _b("sagemaker.studio-policy-variables",
       "Amazon SageMaker AI",
       "Calls made from Studio carry the ${sagemaker:DomainId} and ${sagemaker:UserProfileName} policy "
       "variables, with which AmazonSageMakerFullAccess keeps spaces and their apps to the owner's profile.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol.html",
       "E2"),
    _b("sagemaker.shared-space-runs-as-the-space-role",
       "Amazon SageMaker AI",
       "A shared space runs with the domain's space default execution role (DefaultSpaceSettings), one role "
       "for every user of the domain, while a private space runs with its owner's execution role.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html",
       "E10"),
    _b("sagemaker.space-ebs-size-range",
       "Amazon SageMaker AI",
       "A space's EBS volume (EbsVolumeSizeInGb) and a domain's or profile's default and maximum space "
       "volume sizes are integers from 5 to 16384 GiB.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html"),
    _b("sagemaker.space-ebs-within-domain-maximum",
       "Amazon SageMaker AI",
       "MaximumEbsVolumeSizeInGb of the domain's (or profile's) DefaultEbsStorageSettings is the largest EBS "
       "volume a space created in it may have.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html"),
    _b("sagemaker.default-space-settings-shared-only",
       "Amazon SageMaker AI",
       "A domain's DefaultSpaceSettings apply only to shared spaces; a private space takes its owner's user "
       "settings (execution role, JupyterLab and Code Editor app settings such as idle shutdown).",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultSpaceSettings.html"),
    _b("sagemaker.user-settings-apply-to-private-spaces",
       "Amazon SageMaker AI",
       "The execution role and the JupyterLab and Code Editor app settings of UserSettings (a profile's, or "
       "the domain's DefaultUserSettings) apply to the private spaces the user creates, not to shared "
       "spaces.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html"),
    _b("sagemaker.user-settings-take-precedence",
       "Amazon SageMaker AI",
       "A user profile's UserSettings take precedence over the domain's DefaultUserSettings (security groups "
       "excepted: they are aggregated).",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html"),
    _b("sagemaker-python-sdk.config-default-bucket-and-prefix",
       "SageMaker Python SDK",
       "SageMaker.PythonSDK.Modules.Session.DefaultS3Bucket and DefaultS3ObjectKeyPrefix in the SDK's config "
       "file set the bucket and key prefix the SDK uses when no S3 path is given, instead of "
       "sagemaker-<region>-<account>.",
       "https://sagemaker.readthedocs.io/en/stable/overview.html#configuring-and-using-defaults-with-the-sagemaker-python-sdk",
       "E3"),
    _b("sagemaker-python-sdk.config-tags",
       "SageMaker Python SDK",
       "Tags under SageMaker.<API>.Tags in the SDK's config file are appended to the tags of every create "
       "call of that API, the TrainingJob ones also to tuning jobs.",
       "https://sagemaker.readthedocs.io/en/stable/overview.html#configuring-and-using-defaults-with-the-sagemaker-python-sdk",
       "E4"),
    _b("sagemaker.no-volume-key-on-instance-storage",
       "Amazon SageMaker AI",
       "Training, processing and transform jobs refuse a VolumeKmsKeyId on instance types with local "
       "instance storage, whose volumes a hardware module encrypts.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html",
       "E6"),
    _b("sagemaker-python-sdk.config-volume-key-on-instance-storage",
       "SageMaker Python SDK",
       "SDK v2 drops a config-supplied training VolumeKmsKeyId and endpoint-config KmsKeyId on the instance "
       "types it treats as instance-storage (families with a d, g5, g6, p5, trn1) but passes the processing, "
       "transform and monitoring volume keys of its config on whatever the type.",
       "https://github.com/aws/sagemaker-python-sdk/blob/v2.257.6/src/sagemaker/session.py",
       "E6"),
    _b("iam.set-operators-and-missing-keys",
       "AWS Identity and Access Management",
       "ForAnyValue is false and ForAllValues true when the multivalued key is missing from the request, and "
       "a condition on a missing key is false except for a negated operator or an IfExists one.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
       "E6"),
    _b("iam.negated-operator-nor",
       "AWS Identity and Access Management",
       "A negated condition operator with several values matches only a value that matches none of them "
       "(logical NOR), while a positive one matches any of them (OR).",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html",
       "E6"),
    _b("iam.explicit-deny-wins",
       "AWS Identity and Access Management",
       "A request is implicitly denied unless some applicable policy allows it, and an explicit Deny in any "
       "applicable policy (SCP, resource, identity, boundary) overrides every Allow.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"),
    _b("iam.boundary-intersection",
       "AWS Identity and Access Management",
       "A role with a permissions boundary may do only what both its identity policies and its boundary "
       "allow; the boundary grants nothing by itself.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"),
    _b("organizations.scp-ceiling",
       "AWS Organizations",
       "SCPs grant nothing: they set the most a principal of the account may do, so an action an SCP does "
       "not allow (or denies) is denied whatever the identity policies say.",
       "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html"),
    _b("iam.same-account-resource-policy-grant",
       "AWS Identity and Access Management",
       "Within one account, an Allow in either the identity policies or a resource policy that names the "
       "principal is enough.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"),
    _b("iam.cross-account-both-sides",
       "AWS Identity and Access Management",
       "Across accounts, the resource policy of the trusting account and the identity policy of the trusted "
       "principal must both allow the request.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"),
    _b("kms.key-policy-required",
       "AWS Key Management Service",
       "IAM policies allow nothing on a KMS key unless its key policy allows it, directly or by naming the "
       "account (which enables IAM policies).",
       "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html"),
    _b("vpc.endpoint-policy-also-applies",
       "Amazon VPC",
       "A VPC endpoint policy controls which principals may use the endpoint; it does not replace identity "
       "or resource policies, which must also allow the request.",
       "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"),
    _b("sts.session-policy-intersection",
       "AWS Security Token Service",
       "A role session created with session policies (AssumeRole's Policy or PolicyArns) may do only what "
       "both the role's identity policies and the session policies allow; session policies grant nothing, "
       "and a resource policy that names the session's own ARN adds its Allow to them.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html"),
    _b("organizations.rcp-ceiling",
       "AWS Organizations",
       "Resource control policies grant nothing: they cap what may be done on the resources of the member "
       "accounts they are attached to, whoever makes the request; a Deny in one wins, and an action no RCP "
       "allows is denied (RCPFullAWSAccess stays attached once RCPs are enabled).",
       "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"),
    _b("organizations.rcp-scope",
       "AWS Organizations",
       "RCPs apply only to the resources of the services that support them (among them S3, STS, KMS, SQS "
       "and Secrets Manager), not to the management account's resources, and not to actions taken by "
       "service-linked roles.",
       "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"),
    _b("kms.grant-allows-grantee",
       "AWS Key Management Service",
       "A KMS grant lets its grantee principal call the grant's operations on its one key, considered "
       "beside the key policy and IAM policies; AWS services that integrate with KMS create grants for the "
       "principal they act for, which may be limited to that case with kms:GrantIsForAWSResource.",
       "https://docs.aws.amazon.com/kms/latest/developerguide/grants.html"),
    _b("kms.grant-constraints",
       "AWS Key Management Service",
       "A grant's EncryptionContextEquals constraint requires the request's encryption context to be "
       "exactly the given pairs, EncryptionContextSubset to include them; constraint keys compare "
       "case-insensitively and values case-sensitively, and operations without an encryption context "
       "(DescribeKey, RetireGrant) ignore the constraints.",
       "https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html"),
    _b("cdk.bootstrap-trust",
       "AWS CDK",
       "cdk bootstrap --trust ACCOUNT lets the trusted account's principals assume the environment's "
       "deploy, file- and image-publishing roles (cdk-<qualifier>-<role>-<account>-<region>), which pass "
       "the CloudFormation execution role; that role gets the managed policies named by "
       "--cloudformation-execution-policies (required with --trust; AdministratorAccess without trust).",
       "https://docs.aws.amazon.com/cdk/latest/guide/ref-cli-cmd-bootstrap.html"),
    _b("iam.role-tags-are-principal-tags",
       "AWS Identity and Access Management",
       "The tags attached to an assumed IAM role are principal tags (aws:PrincipalTag) of its sessions, next "
       "to the session tags; a session tag with the same key overrides the role's tag.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html"),
    _b("iam-identity-center.provisioned-roles-protected",
       "AWS IAM Identity Center",
       "The roles IAM Identity Center provisions for permission sets (AWSReservedSSO_*) are protected: IAM "
       "refuses changes to them (\"Cannot perform the operation on the protected role\"); their policies "
       "change only through the permission set (an inline policy, or customer managed policies referenced by "
       "name and path).",
       "https://repost.aws/knowledge-center/identity-center-aws-reserved-sso"),
    _b("sagemaker.execution-role-writes-job-logs",
       "Amazon SageMaker AI",
       "SageMaker writes job and endpoint logs to /aws/sagemaker/* as the execution role, which needs "
       "logs:CreateLogGroup, CreateLogStream, PutLogEvents and DescribeLogStreams.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
       "E9"),
    _b("sagemaker-python-sdk.fit-streams-job-logs",
       "SageMaker Python SDK",
       "estimator.fit(logs=True) streams /aws/sagemaker/<Kind>Jobs into the notebook with the caller's "
       "credentials through DescribeLogStreams and GetLogEvents.",
       "https://github.com/aws/sagemaker-python-sdk/blob/v2.257.6/src/sagemaker/logs.py",
       "E9"),
    _b("sagemaker.execution-role-pulls-images",
       "Amazon SageMaker AI",
       "SageMaker pulls a model's or a job's container image with the execution role, AWS's prebuilt "
       "images (Deep Learning Containers, built-in algorithms, Model Monitor) included: the role is the "
       "one SageMaker assumes to access model artifacts and the Docker image, and a role without ECR pull "
       "permission on the image's account is refused (\"does not have BatchGetImage permission for the "
       "image\": github.com/aws/deep-learning-containers/issues/759).",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html"),
    _b("ecr.pull-actions-on-repository-arns",
       "Amazon ECR",
       "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability take a "
       "repository ARN (arn:<partition>:ecr:<region>:<account>:repository/<name>), so a pull can be "
       "limited to accounts; ecr:GetAuthorizationToken has no resource type and is granted on '*'.",
       "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html"),
    _b("sagemaker.vpc-job-eni-permissions-unconditioned",
       "Amazon SageMaker AI",
       "The ENI permissions of a processing job in a VPC must not be scoped by conditions or resource "
       "filters, or the validation during job creation fails.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"),
    _b("sagemaker.studio-lifecycle-config-immutable",
       "Amazon SageMaker AI",
       "A Studio lifecycle configuration has no update: every CloudFormation property of it requires "
       "replacement.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-studiolifecycleconfig.html",
       "D7"),
    _b("sagemaker.studio-lifecycle-config-in-use",
       "Amazon SageMaker AI",
       "DeleteStudioLifecycleConfig fails while a running app uses the configuration or a domain or user "
       "profile still lists it in its settings.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteStudioLifecycleConfig.html",
       "D7"),
    _b("sagemaker.studio-lifecycle-config-limits",
       "Amazon SageMaker AI",
       "A Studio lifecycle configuration's name is 1-63 letters, digits and hyphens (starting with a letter "
       "or digit), and its base64 content at most 16384 characters.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateStudioLifecycleConfig.html",
       "M1"),
    _b("cloudformation.user-profile-settings-update-in-place",
       "AWS CloudFormation",
       "An AWS::SageMaker::UserProfile updates its UserSettings and Tags in place; a new DomainId, "
       "UserProfileName or single sign-on user replaces it.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-userprofile.html",
       "D7"),
    _b("cloudformation.domain-settings-update-in-place",
       "AWS CloudFormation",
       "An AWS::SageMaker::Domain updates its default user and space settings in place; a new AuthMode, "
       "DomainName or KmsKeyId replaces it.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-domain.html",
       "D7"),


    # ---------------------------------------------------------------- SageMaker hosting, SNS, CloudWatch,
    # Auto Scaling
    # (hosting: D8, D10, E5, E7, E8, M1-M4)
    _b("sagemaker.update-endpoint-autoscaled-variant",
       "Amazon SageMaker AI",
       "UpdateEndpoint fails when it would change the instance type of, or remove, a production variant that "
       "is registered as an Application Auto Scaling scalable target; the variant must be deregistered first "
       "(a changed model alone is allowed).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html",
       "D8"),
    _b("sagemaker.blue-green-same-variant-names",
       "Amazon SageMaker AI",
       "In a blue/green or rolling endpoint deployment the new endpoint config must keep the variant names "
       "of the old one.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html",
       "D8"),
    _b("cloudformation.sagemaker-endpoint-name-replaces",
       "AWS CloudFormation",
       "A changed EndpointName of an AWS::SageMaker::Endpoint replaces the endpoint (a new endpoint is "
       "created, the old one deleted); its other properties update it in place.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-endpoint.html",
       "D8"),
    _b("sagemaker.update-endpoint-retain-variant-properties",
       "Amazon SageMaker AI",
       "UpdateEndpoint applies the new endpoint config's instance counts and weights unless "
       "RetainAllVariantProperties is true; ExcludeRetainedVariantProperties (DesiredInstanceCount, "
       "DesiredWeight) then names those taken from the new config.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html",
       "E7"),
    _b("sagemaker.model-artifacts-through-vpc-endpoint",
       "Amazon SageMaker AI",
       "A model with a VpcConfig reaches the S3 buckets of its model artifacts through the VPC's S3 "
       "endpoint, so a bucket policy on that endpoint governs the download.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
       "D10"),
    _b("sns.topic-policy-allows-cloudwatch-alarms",
       "Amazon SNS",
       "A CloudWatch alarm action publishes to an SNS topic only when the topic's access policy allows "
       "cloudwatch.amazonaws.com sns:Publish (narrowed with ArnLike aws:SourceArn to alarm ARNs); otherwise "
       "the alarm history shows \"is not authorized to perform: SNS:Publish\".",
       "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger",
       "E5"),
    _b("sagemaker.endpoint-config-kms-key-local-storage",
       "Amazon SageMaker AI",
       "CreateEndpointConfig fails when it sets KmsKeyId and a production variant uses a Nitro instance type "
       "with local (NVMe) instance storage.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",
       "E6"),
    _b("sagemaker.endpoint-cpu-utilization-per-vcpu",
       "Amazon SageMaker AI",
       "An endpoint's CPUUtilization (/aws/sagemaker/Endpoints) is the sum over the instance's vCPUs, 0-100 "
       "% each (0-400 % on 4 vCPUs); memory and disk utilization are 0-100 %.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html",
       "M3"),
    _b("sagemaker.resource-names-63",
       "Amazon SageMaker AI",
       "A monitoring schedule name is 1-63 letters, digits and hyphens (as are endpoint, endpoint config and "
       "model names, on their own Create pages).",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMonitoringSchedule.html",
       "M1"),
    _b("sagemaker.model-monitor-image-per-region",
       "Amazon SageMaker AI",
       "The Model Monitor analyzer image is "
       "<account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer with a different account in "
       "each region.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html",
       "M2"),
    _b("sagemaker.model-monitor-closed-to-new-customers",
       "Amazon SageMaker AI",
       "Model Monitor (its monitoring schedules over an endpoint's captured data) is no longer open to new "
       "customers; existing customers keep using it. AWS documents no error for a new customer; the API "
       "reference of data capture (DataCaptureConfig of CreateEndpointConfig) has no such note.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md"),
    _b("sagemaker.delete-monitoring-schedule-keeps-history",
       "Amazon SageMaker AI",
       "Deleting a monitoring schedule also stops it, and does not delete the history of its monitoring "
       "executions.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteMonitoringSchedule.html"),
    _b("sagemaker.blue-green-rollback-on-any-alarm",
       "Amazon SageMaker AI",
       "During a blue/green deployment SageMaker rolls all traffic back to the old fleet when any alarm of "
       "the AutoRollbackConfiguration trips during a baking period.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html",
       "M4"),
    _b("sagemaker.rollout-step-sizes",
       "Amazon SageMaker AI",
       "A blue/green canary is at most 50 % of the variant's instances and a linear step 10-50 %.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html"),
    _b("sagemaker.monitoring-schedule-expressions",
       "Amazon SageMaker AI",
       "A monitoring schedule is hourly cron(0 * ? * * *), daily cron(0 H ? * * *), every N hours "
       "cron(0 H/N ? * * *), or NOW; no other expression is supported.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ScheduleConfig.html"),
    # inference components (constructs/hosting/inference_components.py)
    _b("sagemaker.inference-component-endpoint-config",
       "Amazon SageMaker AI",
       "An endpoint config for inference components names no ModelName on its production variants and "
       "carries ExecutionRoleArn, VpcConfig and EnableNetworkIsolation itself; each model is an "
       "AWS::SageMaker::InferenceComponent with ComputeResourceRequirements and RuntimeConfig.CopyCount.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html"),
    _b("sagemaker.inference-component-rolling-update",
       "Amazon SageMaker AI",
       "An inference component's DeploymentConfig rolls an update out in batches of 5-50 % of its copies "
       "(MaximumBatchSize COPY_COUNT or CAPACITY_PERCENT) with a 0-3600 s baking period, and rolls back when "
       "an alarm of its AutoRollbackConfiguration trips.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html"),
    _b("sagemaker.inference-component-needs-model",
       "Amazon SageMaker AI",
       "An inference component's Specification.ModelName names an existing SageMaker model of the account.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
       "aws-properties-sagemaker-inferencecomponent-inferencecomponentspecification.html"),
    _b("sagemaker.inference-component-compute-minimums",
       "Amazon SageMaker AI",
       "An inference component reserves at least 0.25 CPU cores (NumberOfCpuCoresRequired) and 128 MB "
       "(MinMemoryRequiredInMb) per copy.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html"),
    _b("sagemaker.inference-component-metrics",
       "Amazon SageMaker AI",
       "Invocation metrics of an inference component (Invocations, Invocation4XXErrors, Invocation5XXErrors, "
       "ModelLatency) are published in AWS/SageMaker with the InferenceComponentName dimension.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html"),
    _b("application-autoscaling.inference-component-copies",
       "Application Auto Scaling",
       "An inference component's copies scale as the scalable dimension "
       "sagemaker:inference-component:DesiredCopyCount of resource id inference-component/<name>, with the "
       "predefined metric SageMakerInferenceComponentInvocationsPerCopy.",
       "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html"),


    # ---------------------------------------------------------------- CodePipeline, CodeBuild, VPC endpoints,
    # EC2
    # (delivery and network: D5, D6, D9, S1, S3, M5, M6)
    _b("sagemaker.invoke-endpoint-authorized-on-the-endpoint",
       "Amazon SageMaker",
       "sagemaker:InvokeEndpoint, InvokeEndpointAsync and InvokeEndpointWithResponseStream are authorized "
       "on the endpoint's ARN (arn:aws:sagemaker:<region>:<account>:endpoint/<name>), so a policy can grant "
       "one endpoint and no other.",
       "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"),
    _b("sagemaker.list-model-packages-resource-star",
       "Amazon SageMaker AI",
       "AWS's own model registry managed policy grants sagemaker:ListModelPackages on \"*\" (the Service "
       "Authorization Reference lists the action with the model-package resource type only, not "
       "model-package-group).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-model-registry.html",
       "D6"),
    _b("sagemaker.model-package-state-change-event",
       "Amazon SageMaker AI",
       "SageMaker sends a \"SageMaker Model Package State Change\" event (source aws.sagemaker) to "
       "EventBridge when a model package changes, including its ModelApprovalStatus.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html",
       "D5"),
    # ---------------------------------------------------------------- Amazon SageMaker AI: managed MLflow
    _b("sagemaker.image-name",
       "Amazon SageMaker AI",
       "A custom image's name (ImageName) is 1-63 letters and digits with single hyphens or dots between "
       "them and unique in the account; a new name replaces the AWS::SageMaker::Image.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateImage.html"),
    _b("sagemaker.image-version-base-image",
       "Amazon SageMaker AI",
       "An image version belongs to an existing image (ImageName) and its BaseImage is an Amazon ECR URI, "
       "<account>.dkr.ecr.<region>.amazonaws.com/<repo> with a tag or a digest; a new BaseImage replaces the "
       "AWS::SageMaker::ImageVersion.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateImageVersion.html"),
    _b("sagemaker.app-image-config-name-unique",
       "Amazon SageMaker AI",
       "An AppImageConfig's name is up to 63 letters, digits and hyphens (no dots) and unique in the "
       "account.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateAppImageConfig.html"),
    _b("sagemaker.custom-image-references",
       "Amazon SageMaker AI",
       "A CustomImages entry of a domain's or user profile's app settings names an image (ImageName) and an "
       "AppImageConfig (AppImageConfigName) of the account, and changes in place (no interruption).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-domain-customimage.html"),
    _b("sagemaker.mlflow-tracking-server-name",
       "Amazon SageMaker AI",
       "An MLflow tracking server's name (TrackingServerName) is 1-256 letters, digits and hyphens, starting "
       "and ending with a letter or digit, unique in the account and Region; it is the resource's only "
       "create-only property and the last part of its ARN (mlflow-tracking-server/<name>).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html"),
    _b("sagemaker.mlflow-tracking-server-values",
       "Amazon SageMaker AI",
       "TrackingServerSize is Small (the default), Medium or Large; MlflowVersion is dotted numbers; "
       "WeeklyMaintenanceWindowStart is Ddd:HH:MM in UTC (Mon to Sun).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html"),
    _b("sagemaker.mlflow-artifact-store-s3-uri",
       "Amazon SageMaker AI",
       "A tracking server's ArtifactStoreUri is the s3:// URI (at most 1024 characters) of a general purpose "
       "bucket, with an optional key prefix.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMlflowTrackingServer.html"),
    _b("sagemaker.mlflow-role-assumed-by-sagemaker",
       "Amazon SageMaker AI",
       "A tracking server accesses its artifact store (and, with automatic model registration, the Model "
       "Registry) with its RoleArn, an IAM role of the account that SageMaker assumes.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server-iam.html"),
    _b("sagemaker.mlflow-server-outside-the-vpc",
       "Amazon SageMaker AI",
       "A tracking server has no VPC configuration (the resource has no subnet or security group property): "
       "SageMaker runs it, so its S3 requests do not come through the customer's VPC endpoints.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html"),
    _b("sagemaker.mlflow-automatic-model-registration",
       "Amazon SageMaker AI",
       "With automatic model registration, registering an MLflow model creates a model package group and "
       "model package versions in the SageMaker Model Registry, named after the MLflow model.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html"),
    _b("sagemaker.mlflow-experiments-endpoint",
       "Amazon SageMaker AI",
       "From a VPC, the MLflow API of managed MLflow is reached through the interface endpoint "
       "aws.sagemaker.<region>.experiments (its endpoint policy can limit sagemaker-mlflow actions); the "
       "control plane (CreatePresignedMlflowTrackingServerUrl, DescribeMlflowTrackingServer) is "
       "sagemaker.api.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-interface-endpoint.html"),
    _b("sagemaker-mlflow.actions-on-the-tracking-server",
       "Amazon SageMaker with MLflow",
       "The sagemaker-mlflow actions are authorized on the tracking server's ARN and support the "
       "aws:ResourceTag/${TagKey} condition key, except AccessUI, which has no resource type (\"*\"); "
       "opening the UI takes sagemaker:CreatePresignedMlflowTrackingServerUrl on the server.",
       "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html"),
    _b("iam.names-unique-per-account",
       "AWS Identity and Access Management",
       "IAM user, group, role and policy names must be unique within the account, in every Region, ignoring "
       "case.",
       "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
       "D9"),
    _b("kms.alias-unique-per-account-region",
       "AWS Key Management Service",
       "A KMS alias name must be unique in the account and Region.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-alias.html",
       "D9"),
    _b("s3.api-permission-names",
       "Amazon S3",
       "Some S3 API operations are authorized by IAM actions of another name: GetBucketEncryption needs "
       "s3:GetEncryptionConfiguration (likewise ListBuckets s3:ListAllMyBuckets, GetPublicAccessBlock "
       "s3:GetBucketPublicAccessBlock).",
       "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html",
       "S3"),
    _b("codebuild.runtime-versions-default-changes",
       "AWS CodeBuild",
       "Without runtime-versions in the buildspec CodeBuild uses the image's default runtime version, which "
       "changes when a version reaches end of life; aws/codebuild/standard:7.0 offers Python 3.12 and "
       "Node.js 22.",
       "https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html",
       "M5"),
    _b("vpc.endpoint-default-policy-full-access",
       "AWS PrivateLink",
       "A VPC endpoint without a policy gets the default policy, which allows any principal full access to "
       "the service through the endpoint; a gateway endpoint policy must use Principal \"*\" and narrow "
       "principals with conditions.",
       "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
       "S1"),
    _b("vpc.endpoint-private-dns-own-vpc-only",
       "AWS PrivateLink",
       "The private hosted zone AWS manages for an interface endpoint with private DNS answers only in the "
       "endpoint's own VPC; to serve other VPCs, turn private DNS off and alias the endpoint from your own "
       "private hosted zone named after the service, associated with those VPCs.",
       "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html"),
    _b("route53.profile-shared-by-ram",
       "Amazon Route 53",
       "A Route 53 Profile holds private hosted zones (and other DNS resources), can be shared with other "
       "accounts through AWS RAM, and applies them to each VPC it is associated with.",
       "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html"),
    _b("route53.profile-associations-have-priority",
       "Amazon Route 53",
       "A VPC can have several Profile associations, each with a priority (100 to 9900, unique per VPC); "
       "VPC Resolver evaluates them in priority order, lowest first, so associating the hub's Profile does "
       "not displace a Profile the account already has.",
       "https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_UpdateProfileAssociation.html"),
    _b("route53.profile-delete-needs-no-vpc-associations",
       "Amazon Route 53",
       "A Route 53 Profile cannot be deleted while it is associated with any VPC; every association must be "
       "removed first.",
       "https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_DeleteProfile.html"),
    _b("route53.cross-account-zone-association-needs-authorization",
       "Amazon Route 53",
       "Associating a VPC with a private hosted zone of another account needs a "
       "CreateVPCAssociationAuthorization call by the zone's account for each VPC, before the VPC's "
       "account associates it; the console cannot do either step.",
       "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html"),
    _b("ec2.transit-gateway-auto-accept-shared-attachments",
       "Amazon VPC Transit Gateways",
       "A transit gateway accepts attachment requests from the accounts it is shared with automatically only "
       "with AutoAcceptSharedAttachments enabled (disabled by default; AWS Config's "
       "ec2-transit-gateway-auto-vpc-attach-disabled flags it).",
       "https://docs.aws.amazon.com/config/latest/developerguide/ec2-transit-gateway-auto-vpc-attach-disabled.html"),
    _b("ec2.transit-gateway-attachment-one-route-table",
       "Amazon VPC Transit Gateways",
       "Each attachment is associated with exactly one transit gateway route table, which decides where its "
       "traffic goes; an attachment propagates its VPC's range into any number of route tables; separate "
       "route tables segment the network.",
       "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html"),
    _b("ec2.transit-gateway-default-route-tables",
       "Amazon VPC Transit Gateways",
       "New attachments (a shared account's too) are associated with the gateway's default association route "
       "table and propagate into its default propagation route table when those options are enabled; "
       "ModifyTransitGateway can enable both and point them at route tables of your own.",
       "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGatewayOptions.html"),
    _b("ec2.transit-gateway-delete-needs-no-attachments",
       "Amazon VPC Transit Gateways",
       "A transit gateway with attachments cannot be deleted; every attachment must be deleted first.",
       "https://docs.aws.amazon.com/vpc/latest/tgw/delete-tgw.html"),
    _b("ec2.transit-gateway-default-route-table-not-deletable",
       "Amazon VPC Transit Gateways",
       "A transit gateway route table that is the gateway's default association or propagation table cannot "
       "be deleted.",
       "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTransitGatewayRouteTable.html"),
    _b("vpc.endpoint-policy-support-varies",
       "AWS PrivateLink",
       "Not all AWS services support endpoint policies; an endpoint of a service that does not allows full "
       "access whatever policy is meant for it.",
       "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
       "S1"),
    _b("sts.endpoint-policy-principal-keys",
       "AWS Security Token Service",
       "An STS VPC endpoint policy can restrict SigV4 callers with aws:PrincipalOrgID or "
       "aws:PrincipalAccount; federated AssumeRoleWithSAML/WebIdentity callers lack those keys and are "
       "denied by a policy that relies on them.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html",
       "S1"),
    _b("s3.endpoint-policy-resource-account",
       "Amazon S3",
       "s3:ResourceAccount (the bucket owner's account) restricts a VPC endpoint policy to buckets of given "
       "accounts.",
       "https://aws.amazon.com/about-aws/whats-new/2020/12/new-iam-condition-keys-amazon-s3-limit-requests-buckets-owned-specific-aws-accounts-specific-tls-versions/",
       "S1"),
    _b("ecr.image-layers-from-starport-bucket",
       "Amazon Elastic Container Registry",
       "An image pull through a VPC downloads the layers from the AWS-owned bucket "
       "prod-<region>-starport-layer-bucket through the S3 gateway endpoint, whose policy must allow "
       "s3:GetObject there.",
       "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms",
       "S1"),
    _b("sagemaker.vpc-model-download-through-s3-endpoint",
       "Amazon SageMaker AI",
       "A model in VPC mode downloads its model artifacts from S3 through the VPC (its S3 gateway endpoint).",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
       "S1"),
    _b("ec2.az-id-belongs-to-its-region",
       "Amazon EC2",
       "An AZ ID names a zone of one Region: the Region code's letters and number, -az, and a number "
       "(euw1-az1, euw1-az2 and euw1-az3 are the zones of eu-west-1).",
       "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html",
       "M6"),
    _b("ec2.az-ids-consistent-across-accounts",
       "Amazon EC2",
       "AZ names map to physical zones independently per account in older Regions; an AZ ID (e.g. use1-az1) "
       "is the same zone in every account.",
       "https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html",
       "M6"),
    # ---------------------------------------------------------------- Newer SageMaker shapes (pack rules)
    # (policies/rules: shapes_hosting, studio_spaces, shapes_data, pipelines, resource_policies, images)
    _b("sagemaker.ssm-access-off-by-default",
       "Amazon SageMaker AI",
       "EnableSSMAccess on a production variant turns on Systems Manager access to the variant's containers; "
       "it is off unless set, and changing it takes a new endpoint config.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html"),
    _b("sagemaker.space-remote-access-iam-credentials",
       "Amazon SageMaker AI",
       "Remote IDE connections to a space (SpaceSettings.RemoteAccess ENABLED) authenticate with IAM "
       "credentials, not IAM Identity Center; the sagemaker:RemoteAccess condition key (CreateSpace, "
       "UpdateSpace) is the documented way to turn the feature off.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/remote-access-remote-setup.html"),
    _b("sagemaker.domain-docker-settings",
       "Amazon SageMaker AI",
       "DomainSettings.DockerSettings.EnableDockerAccess (ENABLED/DISABLED) says whether the domain's apps "
       "can use Docker; VpcOnlyTrustedAccounts lists the accounts trusted when the domain is VpcOnly.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DockerSettings.html"),
    _b("sagemaker.hyperpod-root-volume-key",
       "Amazon SageMaker AI",
       "A HyperPod instance group's root volume is encrypted with an AWS owned key unless an "
       "EbsVolumeConfig with RootVolume true names a VolumeKmsKeyId; other EbsVolumeConfigs are secondary "
       "volumes with an optional VolumeKmsKeyId.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterEbsVolumeConfig.html"),
    _b("sagemaker.mlflow-artifacts-in-general-purpose-bucket",
       "Amazon SageMaker AI",
       "An MLflow tracking server stores its artifacts in the general purpose S3 bucket of ArtifactStoreUri "
       "and takes no KMS key of its own (no such property).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-mlflowtrackingserver.html"),
    _b("config.featuregroup-encryption-rules",
       "AWS Config",
       "The managed rules sagemaker-featuregroup-online-store-encryption (online store, Standard storage) "
       "and sagemaker-featuregroup-encryption-at-rest (offline store) check feature groups' KMS keys; "
       "both are missing from twelve regions their pages list.",
       "https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-featuregroup-encryption-at-rest.html"),
    _b("iam.sagemaker-create-endpoint-config-keys",
       "AWS Identity and Access Management",
       "sagemaker:CreateEndpointConfig supports the sagemaker:VpcSubnets, sagemaker:NetworkIsolation and "
       "sagemaker:ModelArn condition keys, but the reference does not say ModelArn is present on every "
       "request whose variants name a model, so a deny cannot tell an inference-component config from one "
       "whose models carry the VPC.",
       "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"),
    _b("ecr.tag-immutability",
       "Amazon ECR",
       "An image tag can be overwritten by a later push unless the repository turns on tag immutability; "
       "a digest always names the same image.",
       "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html"),
    # ---------------------------------------------------------------- Subnet capacity (core/capacity.py)
    _b("ec2.subnet-reserved-addresses",
       "Amazon EC2",
       "AWS keeps the first four and the last IPv4 address of every subnet: a /28 (16 addresses) has 11 "
       "usable ones; subnet prefixes run from /16 to /28.",
       "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html"),
    _b("vpc.interface-endpoint-eni-per-subnet",
       "AWS PrivateLink",
       "An interface endpoint gets one endpoint network interface, with a private address of the subnet, in "
       "each subnet it is created in.",
       "https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html"),
    _b("efs.mount-target-per-az",
       "Amazon EFS",
       "An EFS file system has at most one mount target per Availability Zone of its VPC, and each mount "
       "target takes an IP address of the subnet it is created in.",
       "https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html"),
    _b("sagemaker.studio-ips-per-user",
       "Amazon SageMaker Studio",
       "For a VpcOnly domain AWS recommends planning 2 to 4 IP addresses per user, and a domain's address "
       "capacity is the sum of the free addresses of the subnets it was created with.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html"),
    # ------------------------------------------------------------ Security-group reachability (SML-NET-23/24)
    _b("ec2.security-group-rules-both-sides",
       "Amazon EC2",
       "Security group rules only allow; the rules of all groups on a network interface are combined; a "
       "connection needs an egress rule on the sender's groups and an ingress rule on the receiver's, and "
       "a group without outbound rules allows no outbound traffic.",
       "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"),
    _b("cloudformation.security-group-default-egress",
       "AWS CloudFormation",
       "An AWS::EC2::SecurityGroup created without egress rules gets rules allowing all outbound traffic; "
       "one created with egress rules gets only those.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html"),
    _b("sagemaker.studio-vpconly-security-group-traffic",
       "Amazon SageMaker Studio",
       "A VpcOnly domain needs its security groups to allow, in and out, NFS over TCP 2049 between the "
       "domain and its EFS volume and TCP within the group (at least ports 8192-65535) between the "
       "JupyterServer and KernelGateway apps, and interface endpoints for the SageMaker API and runtime.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html"),
    _b("sagemaker.distributed-job-self-ingress",
       "Amazon SageMaker AI",
       "A processing or training job on several instances needs its security group to allow inbound "
       "connections between members of the same group.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html"),
    _b("ec2.delete-security-group-in-use",
       "Amazon EC2",
       "Deleting a security group that a network interface still uses, or that another group's rule "
       "references, fails with DependencyViolation.",
       "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html"),
    _b("ec2.duplicate-permission-refused",
       "Amazon EC2",
       "Adding a rule that the security group already has fails (InvalidPermission.Duplicate).",
       "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"),
    # ---------------------------------------------------------------- Pricing (secure-ml cost, docs/cost.md)
    _b("pricing.interface-endpoint-per-az-hour",
       "AWS PrivateLink",
       "An interface VPC endpoint is billed for every hour it is provisioned in each Availability Zone, "
       "whatever its traffic; a partial hour is billed as a full hour.",
       "https://aws.amazon.com/privatelink/pricing/"),
    _b("pricing.gateway-endpoint-free",
       "AWS PrivateLink",
       "Gateway VPC endpoints (S3, DynamoDB) come at no additional charge.",
       "https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html"),
    _b("pricing.cloudtrail-first-management-copy-free",
       "AWS CloudTrail",
       "The first copy of management events in each Region is delivered free; a further trail logging the "
       "same management events pays per event, and data events are charged on every trail, the first "
       "included.",
       "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-manage-costs.html"),
    _b("pricing.kms-key-month",
       "AWS Key Management Service",
       "Each customer managed key costs a fixed amount per month until it is deleted, and each automatic "
       "rotation of its key material adds to it; keys pending deletion are not charged.",
       "https://aws.amazon.com/kms/pricing/"),
    _b("pricing.config-items-and-evaluations",
       "AWS Config",
       "AWS Config charges per configuration item the recorder records and per rule evaluation.",
       "https://aws.amazon.com/blogs/mt/cost-optimization-recommendations-for-aws-config/"),
    _b("pricing.guardduty-foundational-sources",
       "Amazon GuardDuty",
       "GuardDuty's foundational threat detection is metered on the CloudTrail management events and the VPC "
       "flow log and DNS log volume it analyses; S3 Protection on the S3 data events it analyses.",
       "https://docs.aws.amazon.com/guardduty/latest/ug/monitoring_costs.html"),
    _b("pricing.studio-default-instance",
       "Amazon SageMaker AI",
       "Studio apps are metered on their instance from creation until they are shut down; a CPU image runs "
       "on ml.t3.medium unless another type is chosen.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/notebooks-usage-metering.html"),
    _b("pricing.transit-gateway-attachment-billed-to-vpc-owner",
       "Amazon VPC Transit Gateways",
       "A transit gateway is billed per attachment-hour, not for itself; a VPC attachment's hours are billed "
       "to the account that owns the VPC, from the transit gateway owner's acceptance until the attachment "
       "is deleted, and each GB sent from a VPC into the transit gateway is billed for data processing.",
       "https://aws.amazon.com/transit-gateway/pricing/"),
    _b("pricing.transit-gateway-data-sender-pays",
       "Amazon VPC Transit Gateways",
       "Without a metering policy, a transit gateway's data processing is billed to the owner of the "
       "attachment the traffic enters from (sender pays).",
       "https://aws.amazon.com/blogs/networking-and-content-delivery/"
       "introducing-flexible-cost-allocation-for-aws-transit-gateway"),
    _b("pricing.route53-hosted-zone-month",
       "Amazon Route 53",
       "Each hosted zone, private or public, costs a fixed amount per month, lower for an account's zones "
       "beyond its 25th.",
       "https://aws.amazon.com/route53/pricing/"),
    _b("pricing.route53-profiles-owner-pays",
       "Amazon Route 53",
       "Route 53 Profiles are billed per account and Region that owns them: an hourly charge covers up to "
       "100 Profile-VPC associations, each one beyond is billed per hour, and the owner pays for "
       "associations that the accounts it shares a Profile with make in their own VPCs.",
       "https://aws.amazon.com/route53/pricing/"),
    _b("pricing.inference-component-on-endpoint-instances",
       "Amazon SageMaker AI",
       "An inference component is deployed onto an existing endpoint and runs on the compute resources that "
       "endpoint hosts; it brings no instances of its own.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html"),
    _b("pricing.feature-store-online-store-usage",
       "Amazon SageMaker AI",
       "A feature group's standard online store in the on-demand throughput mode (the default) is charged "
       "for the reads and writes it serves; the InMemory tier is a separate storage type, priced apart.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-throughput-mode.html"),
    _b("pricing.iam-no-charge",
       "AWS Identity and Access Management",
       "IAM (roles, policies) is offered at no additional charge.",
       "https://docs.aws.amazon.com/cost-management/latest/userguide/security-iam.html"),
    _b("pricing.bedrock-guardrails-per-evaluation",
       "Amazon Bedrock",
       "A guardrail evaluates the inputs and outputs of the inference calls that reference it, and its "
       "pricing (Amazon Bedrock's pricing page) is per text unit each of its policies evaluates: usage.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-how.html"),
    _b("pricing.cdk-environment-agnostic-manifest",
       "AWS CDK",
       "A stack synthesized without an account or region is environment-agnostic: the cloud assembly "
       "manifest gives its environment as aws://unknown-account/unknown-region.",
       "https://github.com/aws/aws-cdk/pull/2922"),
    _b("ec2.cdk-subnet-types",
       "AWS CDK",
       "aws-cdk-lib's subnet types carry the routing: a PUBLIC subnet is connected to the internet (an "
       "internet gateway), a PRIVATE_WITH_EGRESS subnet routes to the internet (through a NAT gateway), a "
       "PRIVATE_ISOLATED subnet routes to neither.",
       "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.SubnetType.html"),
    _b("sagemaker.image-uri-tag-or-digest",
       "Amazon SageMaker AI",
       "A model container's Image is an Amazon ECR path, registry/repository:tag or "
       "registry/repository@digest, in the same Region as the model.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html"),
    _b("network-firewall.route-through-endpoints",
       "AWS Network Firewall",
       "A firewall inspects only the traffic that the VPC route tables send to its endpoints: the protected "
       "subnets' internet-bound routes point at the firewall endpoint (directly, or through a NAT gateway "
       "whose subnet routes to it) and the firewall subnet's route table points at the internet gateway.",
       "https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-route-tables.html"),
    # ---------------------------------------------------------------- Amazon Bedrock (docs/bedrock.md)
    _b("bedrock.converse-authorized-by-invoke-actions",
       "Amazon Bedrock",
       "Converse and ConverseStream have no IAM action of their own: bedrock:InvokeModel and "
       "bedrock:InvokeModelWithResponseStream authorize them.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html"),
    _b("bedrock.cross-region-profile-needs-destination-models",
       "Amazon Bedrock",
       "Invoking a geographic cross-Region inference profile is authorized on the profile in the source "
       "Region and on its foundation model in every destination Region of the profile.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html"),
    _b("bedrock.foundation-model-arn-has-no-account",
       "Amazon Bedrock",
       "A foundation model's ARN names its Region but no account "
       "(arn:aws:bedrock:<region>::foundation-model/<id>).",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html"),
    _b("bedrock.guardrail-identifier-condition",
       "Amazon Bedrock",
       "The bedrock:GuardrailIdentifier condition key carries the guardrail (ARN, or ARN and version) an "
       "InvokeModel, InvokeModelWithResponseStream, Converse or ConverseStream request names, so a policy "
       "can require a guardrail.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html"),
    _b("bedrock.invocation-logging-one-per-account-region",
       "Amazon Bedrock",
       "Model invocation logging is one configuration per account and Region, off by default; "
       "PutModelInvocationLoggingConfiguration replaces it and DeleteModelInvocationLoggingConfiguration "
       "turns it off.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html"),
    _b("bedrock.logging-destination-same-account-region",
       "Amazon Bedrock",
       "Model invocation logs go only to a CloudWatch Logs log group or S3 bucket of the same account and "
       "Region.",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html"),
    _b("bedrock.invocation-logging-no-cloudformation-type",
       "AWS CloudFormation",
       "CloudFormation has no resource type for Bedrock's model invocation logging configuration (the "
       "AWS::Bedrock types are agents, knowledge bases, flows, guardrails, prompts, ...), so it is set with "
       "an API call.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/AWS_Bedrock.html"),
    _b("bedrock.runtime-endpoint-service",
       "Amazon Bedrock",
       "Inference calls (InvokeModel, Converse, ...) go through the bedrock-runtime interface endpoint; the "
       "control plane has its own (bedrock).",
       "https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html"),
    # ---------------------------------------------------------------- what the gates' justifications state
    _b("codeconnections.policy-prefix-matches-resource",
       "AWS CodeConnections",
       "Both service prefixes (codestar-connections, codeconnections) stay available, and the action "
       "prefix in an IAM policy must match the prefix of the connection's ARN.",
       "https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html"),
    _b("s3.tls-version-numeric-condition",
       "Amazon S3",
       "s3:TlsVersion is compared numerically: a bucket policy refuses TLS below 1.2 with a Deny on "
       "NumericLessThan s3:TlsVersion 1.2.",
       "https://repost.aws/knowledge-center/s3-enforce-modern-tls"),
    _b("logs.kms-context-is-the-log-group-arn",
       "Amazon CloudWatch Logs",
       "CloudWatch Logs calls KMS with the encryption context kms:EncryptionContext:aws:logs:arn set to the "
       "log group's ARN, which a policy may match with ArnLike.",
       "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/CloudWatchLogsAPIKeyAccess.html"),

    # ---------------------------------------------------------------- Amazon SageMaker Feature Store
    _b("sagemaker.feature-group-definition",
       "Amazon SageMaker Feature Store",
       "CreateFeatureGroup refuses a group without an online or an offline store, a record identifier or "
       "event time that is not one of its features, an event time that is not String or Fractional, feature "
       "types other than String, Integral and Fractional, the feature names is_deleted, write_time and "
       "api_invocation_time, and more than 2,500 features.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateFeatureGroup.html"),
    _b("sagemaker.feature-group-names",
       "Amazon SageMaker Feature Store",
       "AWS::SageMaker::FeatureGroup takes group and feature names of 1-64 letters, digits and hyphens, "
       "starting and ending with a letter or digit; FeatureGroupName is required (CloudFormation generates "
       "none).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-featuregroup.html"),
    _b("sagemaker.feature-group-create-only",
       "Amazon SageMaker Feature Store",
       "Every property of AWS::SageMaker::FeatureGroup but FeatureDefinitions, the online store's "
       "TtlDuration and ThroughputConfig requires replacement (name, record identifier, event time, the "
       "online store's key, the offline store, the role, description and tags).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-featuregroup.html"),
    _b("sagemaker.feature-group-features-add-only",
       "Amazon SageMaker Feature Store",
       "UpdateFeatureGroup adds features or changes the online store's TTL; features cannot be removed.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateFeatureGroup.html"),
    _b("sagemaker.feature-group-online-key-decrypt",
       "Amazon SageMaker Feature Store",
       "With a customer managed key on the online store, every PutRecord, GetRecord and DeleteRecord caller "
       "needs kms:Decrypt on that key.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html"),
    _b("sagemaker.feature-group-kms-key",
       "Amazon SageMaker Feature Store",
       "The online store's and the offline store's KmsKeyId name a KMS key Feature Store encrypts with: "
       "CreateFeatureGroup's caller needs kms:CreateGrant, DescribeKey and more on it, so the key must "
       "exist.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OnlineStoreSecurityConfig.html"),
    _b("sagemaker.feature-group-role-trust",
       "Amazon SageMaker Feature Store",
       "The offline store is written by SageMaker as the group's RoleArn, which needs the offline store's S3 "
       "writes and manifest reads and the Glue table's GetTable/UpdateTable in sagemaker_featurestore (what "
       "AmazonSageMakerFeatureStoreAccess grants) and must be assumable by SageMaker.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html"),
    _b("sagemaker.feature-group-record-actions-tag-condition",
       "Amazon SageMaker Feature Store",
       "PutRecord, GetRecord, DeleteRecord, BatchGetRecord, DescribeFeatureGroup and DescribeFeatureMetadata "
       "act on the feature-group resource and take the sagemaker:ResourceTag/<key> condition; "
       "ListFeatureGroups takes no resource.",
       "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"),
    _b("sagemaker.feature-group-glue-table",
       "Amazon SageMaker Feature Store",
       "Unless DisableGlueTableCreation is true, Feature Store creates a Glue table for the offline store "
       "(in the sagemaker_featurestore database, named after the group by Athena's rules).",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OfflineStoreConfig.html"),
)


def by_id() -> dict[str, AwsBehaviour]:
    """The table keyed by id."""
    return {b.id: b for b in BEHAVIOURS}


def get(behaviour_id: str) -> AwsBehaviour:
    """The behaviour ``behaviour_id``.

    :raises KeyError: naming the id and the closest known ids.
    """
    table = by_id()
    try:
        return table[behaviour_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(behaviour_id, table, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(
            f"unknown AWS behaviour {behaviour_id!r}{hint} Add it to cdk_secure_ml/core/aws_behaviours.py "
            "with its documentation URL."
        ) from None


def services() -> Iterator[str]:
    """The services of the table, in table order, each once."""
    seen: set[str] = set()
    for b in BEHAVIOURS:
        if b.service not in seen:
            seen.add(b.service)
            yield b.service
