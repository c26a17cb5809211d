"""The SageMaker and CI/CD action groups the persona statements and guardrails name.

Plain tuples of IAM action names (CDK-free); a test resolves every name against the IAM service
definitions, so a typo fails CI.
"""

from __future__ import annotations

#: Jobs data scientists launch.
DATA_SCIENCE_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
)
#: What makes or changes a deployed model: the ML engineers' work.
DEPLOYMENT_ACTIONS = (
    "sagemaker:CreateModel",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DeleteModel",
)
#: Jobs that run in the VPC (guardrail: subnets required).
VPC_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
)
#: Jobs whose volumes and outputs must be encrypted with our keys.
ENCRYPTED_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
)
#: Distributed jobs whose inter-node traffic must be encrypted.
DISTRIBUTED_JOB_ACTIONS = ("sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob")
#: Containers that must run with network isolation.
ISOLATED_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
)
#: Everything that starts instances of a type (guardrail: allow-list).
INSTANCE_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateApp",
)
#: CI/CD that data scientists must not touch.
CICD_ACTIONS = (
    "codepipeline:*",
    "codebuild:*",
    "codecommit:GitPush",
    "codecommit:Merge*",
    "codecommit:CreateCommit",
    "codecommit:Put*",
    "sagemaker:CreatePipeline",
    "sagemaker:UpdatePipeline",
    "sagemaker:DeletePipeline",
    "sagemaker:StartPipelineExecution",
    "sagemaker:UpdateModelPackage",
)
