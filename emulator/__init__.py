"""A local AWS emulator for the demo and end-to-end tests: moto's server plus CloudFormation adapters.

Not part of the ``cdk_secure_ml`` distribution, and never imported by it. moto 5.2's CloudFormation
leaves many resource types as empty placeholders although moto implements the services' APIs; each
module here adds the missing types of one service as a ``CloudFormationModel`` subclass that
creates the resource through moto's own backend. moto names a model's service after the second
part of its module path, so adapters live in ``emulator/<service>.py``.

    from emulator.server import Emulator
    with Emulator() as emulator:        # 127.0.0.1, a free port; adapters registered
        print(emulator.endpoint_url)

Where moto 5.2.5 has no API at all for a type the platform uses (SageMaker user profiles, Studio
lifecycle configs, monitoring schedules), :mod:`emulator.sagemaker_standins` emulates the API too,
a small store on moto's backend answering boto3's Describe/List calls; the demo labels those types
"[emulator stand-in]" (``emulator._base.STAND_INS``), the others "[emulator adapter]".

Whatever the emulator still cannot create is reported by name (:func:`emulator.server.unsupported_types`).
"""

#: Adapter modules, imported (and so registered) by :func:`emulator.server.install_adapters`.
ADAPTER_MODULES = (
    "emulator.cdk",
    "emulator.cloudformation",
    "emulator.ec2",
    "emulator.iam",
    "emulator.ec2_teardown",
    "emulator.kms",
    "emulator.s3",
    "emulator.sns",
    "emulator.ssm",
    "emulator.sagemaker",
    "emulator.studio_apps",
    "emulator.cloudtrail",
    "emulator.cloudwatch",
    "emulator.config",
    "emulator.applicationautoscaling",
    "emulator.guardduty",
    "emulator.endpoint_hub",
)
