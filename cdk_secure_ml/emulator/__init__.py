"""A local AWS emulator for the demo and end-to-end tests: moto's server plus CloudFormation adapters.

Shipped in the package but imported only by ``secure-ml demo`` (:mod:`.app_demo`), ``make demo``
(:mod:`.demo`) and the tests, never by the library: it needs the ``[emulator]`` extra (moto's server, and
cfn-lint for the resource provider schemas). moto 5.2's CloudFormation
leaves many resource types as empty placeholders although moto implements the services' APIs; each
module here adds the missing types of one service as a ``CloudFormationModel`` subclass that
creates the resource through moto's own backend. moto names a model's service after the second
part of its module path (here ``emulator``; it only groups moto's ``/moto-api/data.json``), and
adapters live in ``emulator/<service>.py``, one module per service.

    from cdk_secure_ml.emulator.server import Emulator
    with Emulator() as emulator:        # 127.0.0.1, a free port; adapters registered
        print(emulator.endpoint_url)

Where moto 5.2.5 has no API at all for a type the platform uses (SageMaker user profiles, Studio
lifecycle configs, monitoring schedules), :mod:`cdk_secure_ml.emulator.sagemaker_standins` emulates the
API too, a small store on moto's backend answering boto3's Describe/List calls; the demo labels those types
"[emulator stand-in]" (``cdk_secure_ml.emulator._base.STAND_INS``), the others "[emulator adapter]".

Whatever the emulator still cannot create is reported by name
(:func:`cdk_secure_ml.emulator.server.unsupported_types`).
"""

#: Adapter modules, imported (and so registered) by :func:`cdk_secure_ml.emulator.server.install_adapters`.
ADAPTER_MODULES = (
    "cdk_secure_ml.emulator.cdk",
    "cdk_secure_ml.emulator.cloudformation",
    "cdk_secure_ml.emulator.ec2",
    "cdk_secure_ml.emulator.subnet_addresses",
    "cdk_secure_ml.emulator.iam",
    "cdk_secure_ml.emulator.ec2_teardown",
    "cdk_secure_ml.emulator.kms",
    "cdk_secure_ml.emulator.s3",
    "cdk_secure_ml.emulator.sns",
    "cdk_secure_ml.emulator.ssm",
    "cdk_secure_ml.emulator.sagemaker",
    "cdk_secure_ml.emulator.feature_store",
    "cdk_secure_ml.emulator.inference_components",
    "cdk_secure_ml.emulator.studio_apps",
    "cdk_secure_ml.emulator.studio_spaces",
    "cdk_secure_ml.emulator.studio_images",
    "cdk_secure_ml.emulator.mlflow",
    "cdk_secure_ml.emulator.cloudtrail",
    "cdk_secure_ml.emulator.cloudwatch",
    "cdk_secure_ml.emulator.config",
    "cdk_secure_ml.emulator.applicationautoscaling",
    "cdk_secure_ml.emulator.guardduty",
    "cdk_secure_ml.emulator.transit_gateway",
    "cdk_secure_ml.emulator.endpoint_hub",
    "cdk_secure_ml.emulator.bedrock",
)
