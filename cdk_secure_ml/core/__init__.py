"""CDK-free facts about AWS that the constructs, the config, the policies and the emulator share.

Nothing here imports aws_cdk or jsii: loading a fact costs no Node process.

- :mod:`cdk_secure_ml.core.aws_behaviours`: every AWS behaviour the platform relies on, one line each,
  with its documentation URL (the table behind ``docs/aws-behaviours.md``).
"""
