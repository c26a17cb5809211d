"""A Model Monitor data-quality schedule over an endpoint's captured data: :class:`DataQualityMonitor`.

An ``AWS::SageMaker::DataQualityJobDefinition`` (the analyzer image of the region, the optional baseline, the
endpoint's captured data as input) and an ``AWS::SageMaker::MonitoringSchedule`` running it, with a role that
may read the captured data and write the reports. The job runs in the given subnets and security groups,
network-isolated, with inter-container traffic encryption (it needs UDP 500 and ESP within the security group;
``MlNetwork`` workload groups allow all traffic between members) and KMS keys for its volume and output.

**Availability.** Model Monitor is no longer open to new customers; existing customers keep using it
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md, behaviour
``sagemaker.model-monitor-closed-to-new-customers``). So the platform never creates a schedule unless asked
(``model_monitor`` is off by default), and this construct adds the synth warning
``secure-ml:model-monitor-existing-customers`` saying so: in an account that is not a Model Monitor customer
the schedule would not deploy. AWS documents no error text for that refusal.

**Construct paths.** The role, policy, job definition and schedule are created in ``resource_scope`` (default:
this construct) as ``MonitorRole``, ``MonitorPolicy``, ``DataQualityJob``, ``MonitoringSchedule``.
``SecureEndpoint`` passes itself, so they keep the paths (and logical ids) they had before this construct
existed; the schedule also keeps its custom name. See :mod:`.alarms` for why.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, ArnFormat, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.hosting.images import model_monitor_image_uri, model_monitor_repository_arn
from cdk_secure_ml.constructs.hosting.naming import deployed_endpoint_name, endpoint_dependency
from cdk_secure_ml.constructs.hosting.network import (
    DESCRIBE_NETWORK_ACTIONS,
    eni_statement,
    justify_eni_statement,
)
from cdk_secure_ml.constructs.hosting.options import (
    DataCaptureOptions,
    ModelMonitorOptions,
    raise_for_problems,
    seconds,
)
from cdk_secure_ml.constructs.principals import sagemaker_principal
from cdk_secure_ml.core.hosting import checks
from cdk_secure_ml.core.hosting.naming import monitoring_schedule_name
from cdk_secure_ml.core.names import SAGEMAKER_NAME_RE
from cdk_secure_ml.policies.acknowledgements import acknowledge_wildcards, justify_imported_resources

DJD = sagemaker.CfnDataQualityJobDefinition
#: Why the wildcards of the execution and monitoring policies are acceptable (AwsSolutions-IAM5).
WILDCARDS_REASON = (
    "Each wildcard is scoped to this endpoint: object keys under its own S3 prefixes and log streams of its "
    "own log group; ecr:GetAuthorizationToken, cloudwatch:PutMetricData (conditioned on the namespace) and "
    "the ec2 ENI actions (conditioned on ec2:Vpc = this VPC) have no resource-level permissions."
)


#: The id and text of the synth warning of every schedule: AWS closed Model Monitor to new customers.
AVAILABILITY_WARNING_ID = "secure-ml:model-monitor-existing-customers"
AVAILABILITY_WARNING = (
    "Model Monitor is no longer open to new customers: this monitoring schedule deploys only in an account "
    "of an existing Model Monitor customer "
    "(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md); elsewhere remove "
    "model_monitor (data capture stays available and keeps the inference record)"
)


#: Why iam-lint's "cannot verify" on a statement whose resource another stack exports is accepted.
IMPORTS_REASON = (
    "The statement names exactly the bucket (prefix) or key given to the construct, which another stack of "
    "the app owns, so this template holds its ARN as an Fn::ImportValue that iam-lint cannot resolve; the "
    "exporting stack's template is linted with the resource itself."
)


def acknowledge_policy(policy: iam.ManagedPolicy) -> None:
    """What the execution and monitoring policies acknowledge: their wildcards (cdk-nag) and their
    cross-stack resources (iam-lint)."""
    acknowledge_wildcards(policy, WILDCARDS_REASON)
    justify_imported_resources(policy, IMPORTS_REASON)


class DataQualityMonitor(Construct):
    """A data-quality monitoring schedule of ``endpoint``.

    :param endpoint: any ``aws_sagemaker.IEndpoint`` with data capture on (``data_capture``).
    :param options: the schedule, instance, baseline, output bucket and keys (:class:`ModelMonitorOptions`).
    :param data_capture: where the endpoint captures (bucket, prefix, key): the job reads
        ``<prefix>/<endpoint name>/``.
    :param vpc: the VPC of ``subnets`` (the role may manage ENIs in it only).
    :param subnets: where the job runs; ``security_groups``: its groups.
    :param schedule_name: default ``<base name>-data-quality`` of a ``SecureEndpoint``; required for other
        endpoints. At most 63 characters.
    :param volume_key: default key of the job's volume when ``options.volume_key`` is None.
    :param resource_scope: where the resources are created. Default this construct.
    :raises ValueError: bad options, no image known for the stack's region, a bad schedule name.

    Attributes: ``role``, ``policy``, ``job`` (``CfnDataQualityJobDefinition``), ``schedule``
    (``CfnMonitoringSchedule``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: sagemaker.IEndpoint,
        options: ModelMonitorOptions,
        data_capture: DataCaptureOptions,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
        schedule_name: str | None = None,
        volume_key: kms.IKey | None = None,
        resource_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        base = getattr(endpoint, "name", None)
        schedule_name = schedule_name or (monitoring_schedule_name(base) if isinstance(base, str) else None)
        self._validate(options, schedule_name)
        assert schedule_name is not None  # _validate refused a missing name
        target = resource_scope or self
        stack = Stack.of(target)
        endpoint_name = endpoint.endpoint_name
        capture_key = data_capture.key or data_capture.bucket.encryption_key
        output_key = options.output_key or options.output_bucket.encryption_key or capture_key
        volume_key = options.volume_key or volume_key
        self.role = iam.Role(
            target,
            "MonitorRole",
            assumed_by=sagemaker_principal(target),
            description=f"Model Monitor of SageMaker endpoint {endpoint_name}",
        )
        statements = self._statements(
            stack,
            endpoint_name,
            options,
            data_capture,
            vpc,
            [k for k in (capture_key, output_key, volume_key) if k is not None],
        )
        repository = model_monitor_repository_arn(target, options.image_uri)
        if repository is not None:
            # The monitoring job runs as this role, which pulls the analyzer image (a role without it is
            # refused "does not have BatchGetImage permission": docs/aws-behaviours.md).
            statements += [
                iam.PolicyStatement(
                    sid="PullAnalyzerImage",
                    actions=[
                        "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"
                    ],
                    resources=[repository],
                ),
                iam.PolicyStatement(
                    sid="EcrAuthorizationToken", actions=["ecr:GetAuthorizationToken"], resources=["*"]
                ),
            ]
        self.policy = iam.ManagedPolicy(
            target,
            "MonitorPolicy",
            roles=[self.role],
            statements=statements,
            description=f"Model Monitor of {endpoint_name}: least privilege",
        )
        image_uri = options.image_uri or model_monitor_image_uri(target)
        self.job = self._job(
            target,
            endpoint,
            options,
            self.role.role_arn,
            image_uri,
            output_key,
            volume_key,
            subnets,
            security_groups,
        )
        self.job.node.add_dependency(self.policy)
        self.job.node.add_dependency(endpoint_dependency(endpoint))
        self.schedule = sagemaker.CfnMonitoringSchedule(
            target,
            "MonitoringSchedule",
            # A name that does not change when the endpoint is replaced; its job definition (generated name)
            # follows the endpoint.
            monitoring_schedule_name=schedule_name,
            monitoring_schedule_config=sagemaker.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(
                # Ref is the ARN (…:data-quality-job-definition/<name>); the schedule wants the generated
                # name.
                monitoring_job_definition_name=Fn.select(1, Fn.split("/", self.job.attr_job_definition_arn)),
                monitoring_type="DataQuality",
                schedule_config=sagemaker.CfnMonitoringSchedule.ScheduleConfigProperty(
                    schedule_expression=options.schedule_expression
                ),
            ),
        )
        acknowledge_policy(self.policy)
        justify_eni_statement(self.policy)
        # AWS closed Model Monitor to new customers: say so where the schedule is made (module docstring).
        Annotations.of(self).add_warning_v2(AVAILABILITY_WARNING_ID, AVAILABILITY_WARNING)

    def _validate(self, options: ModelMonitorOptions, schedule_name: str | None) -> None:
        problems = checks.nested(("model_monitor",), options.problems())
        problems += checks.nested(
            ("model_monitor",),
            checks.monitor_image_problems(region=Stack.of(self).region, image_uri=options.image_uri),
        )
        if schedule_name is None:
            problems.append(
                (
                    ("schedule_name",),
                    "schedule_name is missing; give the monitoring schedule's name "
                    "(1-63 letters, digits and hyphens)",
                )
            )
        elif not checks.is_unresolved(schedule_name) and not SAGEMAKER_NAME_RE.match(schedule_name):
            problems.append(
                (
                    ("schedule_name",),
                    f"schedule_name {schedule_name!r} is not a SageMaker name; use "
                    "1-63 letters, digits and hyphens",
                )
            )
        raise_for_problems(f"DataQualityMonitor {self.node.path}", problems)

    @staticmethod
    def _statements(
        stack: Stack,
        endpoint_name: str,
        mm: ModelMonitorOptions,
        capture: DataCaptureOptions,
        vpc: ec2.IVpc,
        keys: list[kms.IKey],
    ) -> list[iam.PolicyStatement]:
        prefix = mm.output_prefix.strip("/")
        captured = f"{capture.prefix.strip('/')}/{endpoint_name}/*"
        statements = [
            iam.PolicyStatement(
                sid="ReadCapturedData",
                actions=["s3:GetObject"],
                resources=[capture.bucket.arn_for_objects(captured)],
            ),
            iam.PolicyStatement(
                sid="ListCapturedData",
                actions=["s3:ListBucket"],
                resources=[capture.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [captured]}},
            ),
            iam.PolicyStatement(
                sid="WriteReports",
                actions=["s3:PutObject"],
                resources=[mm.output_bucket.arn_for_objects(f"{prefix}/{endpoint_name}/*")],
            ),
            iam.PolicyStatement(
                sid="PutMonitoringMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={
                    "StringLike": {
                        "cloudwatch:namespace": ["aws/sagemaker/Endpoints/*", "/aws/sagemaker/Endpoints/*"]
                    }
                },
            ),
            iam.PolicyStatement(
                sid="WriteJobLogs",
                actions=[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                resources=[
                    stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="/aws/sagemaker/ProcessingJobs:*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            ),
            iam.PolicyStatement(
                sid="DescribeNetwork",
                resources=["*"],
                actions=list(DESCRIBE_NETWORK_ACTIONS),
            ),
            eni_statement(stack, vpc),
        ]
        if keys:
            statements.append(
                iam.PolicyStatement(
                    sid="UseMonitoringKeys",
                    actions=[
                        "kms:Decrypt",
                        "kms:GenerateDataKey",
                        "kms:Encrypt",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    resources=list(dict.fromkeys(k.key_arn for k in keys)),
                )
            )
        if mm.baseline_constraints_key and mm.baseline_statistics_key:
            statements.append(
                iam.PolicyStatement(
                    sid="ReadBaseline",
                    actions=["s3:GetObject"],
                    resources=[
                        mm.output_bucket.arn_for_objects(mm.baseline_constraints_key),
                        mm.output_bucket.arn_for_objects(mm.baseline_statistics_key),
                    ],
                )
            )
        return statements

    @staticmethod
    def _job(
        scope: Construct,
        endpoint: sagemaker.IEndpoint,
        mm: ModelMonitorOptions,
        role_arn: str,
        image_uri: str,
        output_key: kms.IKey | None,
        volume_key: kms.IKey | None,
        subnets: Sequence[ec2.ISubnet],
        security_groups: Sequence[ec2.ISecurityGroup],
    ) -> sagemaker.CfnDataQualityJobDefinition:
        baseline = None
        if mm.baseline_constraints_key and mm.baseline_statistics_key:
            baseline = DJD.DataQualityBaselineConfigProperty(
                constraints_resource=DJD.ConstraintsResourceProperty(
                    s3_uri=mm.output_bucket.s3_url_for_object(mm.baseline_constraints_key)
                ),
                statistics_resource=DJD.StatisticsResourceProperty(
                    s3_uri=mm.output_bucket.s3_url_for_object(mm.baseline_statistics_key)
                ),
            )
        reports = f"{mm.output_prefix.strip('/')}/{endpoint.endpoint_name}"
        return DJD(
            scope,
            "DataQualityJob",
            role_arn=role_arn,
            data_quality_app_specification=DJD.DataQualityAppSpecificationProperty(image_uri=image_uri),
            data_quality_baseline_config=baseline,
            data_quality_job_input=DJD.DataQualityJobInputProperty(
                endpoint_input=DJD.EndpointInputProperty(
                    endpoint_name=deployed_endpoint_name(endpoint),
                    local_path="/opt/ml/processing/input/endpoint",
                    s3_input_mode="File",
                    s3_data_distribution_type="FullyReplicated",
                )
            ),
            data_quality_job_output_config=DJD.MonitoringOutputConfigProperty(
                kms_key_id=output_key.key_arn if output_key is not None else None,
                monitoring_outputs=[
                    DJD.MonitoringOutputProperty(
                        s3_output=DJD.S3OutputProperty(
                            local_path="/opt/ml/processing/output",
                            s3_upload_mode="EndOfJob",
                            s3_uri=mm.output_bucket.s3_url_for_object(reports),
                        )
                    )
                ],
            ),
            job_resources=DJD.MonitoringResourcesProperty(
                cluster_config=DJD.ClusterConfigProperty(
                    instance_count=1,
                    instance_type=mm.instance_type,
                    volume_size_in_gb=mm.volume_size_gb,
                    volume_kms_key_id=volume_key.key_arn if volume_key is not None else None,
                )
            ),
            network_config=DJD.NetworkConfigProperty(
                enable_network_isolation=True,
                enable_inter_container_traffic_encryption=True,
                vpc_config=DJD.VpcConfigProperty(
                    subnets=[s.subnet_id for s in subnets],
                    security_group_ids=[g.security_group_id for g in security_groups],
                ),
            ),
            stopping_condition=DJD.StoppingConditionProperty(
                max_runtime_in_seconds=int(seconds(mm.max_runtime))
            ),
        )
