"""``inference_component_endpoints``: endpoints whose models are inference components (docs/hosting.md,
"Inference components"; ``InferenceComponentEndpoint``).

The checks are the construct's, from :mod:`cdk_secure_ml.core.hosting.inference_components`, so the config
refuses what the construct refuses, in the same words. The config adds the stage (every stage but dev is
production), the team (model data under ``<team>/``, a team of ``identity.teams``) and names unique across
both endpoint lists.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Section, each_item
from cdk_secure_ml.config._types import hosting_check
from cdk_secure_ml.config.endpoints import ImageRef, ModelDataKey, ecr_repository_name, team_segment
from cdk_secure_ml.core.hosting.inference_components import (
    ROUTING_STRATEGIES,
    InferenceComponentOptions,
    ManagedInstanceScalingOptions,
    inference_component_endpoint_problems,
)
from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.hosting.naming import endpoint_name_problems
from cdk_secure_ml.core.problems import Problem


class InferenceComponentConfig(Section):
    """One model of an inference-component endpoint."""

    name: str = Field(description="Component name (letters, digits, hyphens); clients invoke it as "
                                  "InferenceComponentName <endpoint physical name>-<name>.")
    image: ImageRef = Field(description="Image digest sha256:... (recommended) or tag of the endpoint's "
                                        "repository.")
    model_data: ModelDataKey = Field(description="Key of the model .tar.gz in the artifacts bucket, under "
                                                 "<team>/.")
    copies: int = Field(1, description="Copies deployed (RuntimeConfig.CopyCount).")
    cpu_cores: float = Field(1.0, description="CPU cores reserved per copy (>= 0.25).")
    memory_mb: int = Field(1024, description="Memory reserved per copy, MB (>= 128).")
    accelerators: int | None = Field(None, description="GPU/Inferentia devices per copy; null for CPU.")
    min_copies: int | None = Field(None, description="Copy autoscaling minimum; default copies.")
    max_copies: int | None = Field(None, description="Copy autoscaling maximum; default 2 x copies.")
    invocations_per_copy: float = Field(70.0, description="Target invocations per copy per minute.")
    environment: dict[str, str] = Field(default_factory=dict, description="Container environment variables.")


def component_options(component: Any) -> InferenceComponentOptions:
    """The construct's options for one component (a validated section or a ``Partial`` view of one)."""
    return InferenceComponentOptions(
        name=component.name, source=ModelSource.from_image(component.image, component.model_data),
        copies=component.copies, cpu_cores=component.cpu_cores, memory_mb=component.memory_mb,
        accelerators=component.accelerators, min_copies=component.min_copies, max_copies=component.max_copies,
        invocations_per_copy=component.invocations_per_copy, environment=dict(component.environment),
    )


def _endpoint_problems(endpoint: Any, *, production: bool) -> list[Problem]:
    return inference_component_endpoint_problems(
        endpoint_name=endpoint.name,
        components=[component_options(c) for c in endpoint.components],
        instance_type=endpoint.instance_type,
        scaling=ManagedInstanceScalingOptions(endpoint.min_instances, endpoint.max_instances),
        routing_strategy=endpoint.routing_strategy,
        rollout_batch_percent=endpoint.rollout_batch_percent,
        rollout_wait=endpoint.rollout_wait,
        production=production,
        allow_single_instance=endpoint.allow_single_instance,
    )


def _config_path(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """The construct's paths as the config spells them (``scaling.min_instances`` is ``min_instances``)."""
    return path[1:] if path[:1] == ("scaling",) else path


def construct_problems(endpoint: Any) -> list[Problem]:
    """The construct's checks, stage-independent (:func:`inference_component_stage_problems` adds the
    stage's)."""
    return [(_config_path(path), message) for path, message in _endpoint_problems(endpoint, production=False)]


def model_data_team_problems(endpoint: Any) -> list[Problem]:
    """Model data under the endpoint's team prefix, the only place its personas can write (as for
    ``endpoints``)."""

    def check(index: int, component: Any) -> list[Problem]:
        if component.model_data.startswith(f"{endpoint.team}/"):
            return []
        return [(("components", index, "model_data"), (
            f"model_data {component.model_data!r} is not under the endpoint's team prefix "
            f"{endpoint.team + '/'!r}, the only place the {endpoint.team} team's personas can write; use "
            f"{endpoint.team}/{component.model_data}"))]

    return each_item(endpoint.components, check)


class InferenceComponentEndpointConfig(Section):
    """An endpoint of the ServingStack whose models are inference components."""

    name: Annotated[str, hosting_check(partial(endpoint_name_problems, key="name"))] = Field(
        description="Endpoint base name; the endpoint is <name>-<8 hex>.")
    team: str = Field(description="The team (identity.teams) that owns the endpoint; model data lives under "
                                  "<team>/ and every resource is tagged with it.")
    image_repository: str = Field(description="Name of the private ECR repository (in this account) of the "
                                              "components' images.")
    instance_type: str = Field("ml.m5.xlarge", description="Instance type of the endpoint's variant.")
    min_instances: int = Field(2, description="Managed instance scaling minimum (2 in production).")
    max_instances: int = Field(4, description="Managed instance scaling maximum.")
    routing_strategy: str = Field("LEAST_OUTSTANDING_REQUESTS",
                                  description=f"One of {', '.join(ROUTING_STRATEGIES)}.")
    allow_single_instance: bool = Field(False, description="Dev stage only: accept min_instances 1.")
    rollout_batch_percent: int = Field(50, description="Copies replaced per rolling-update step, 5-50 %.")
    rollout_wait: int = Field(300, description="Baking period per rolling-update step, seconds (0-3600).")
    components: list[InferenceComponentConfig] = Field(description="The models, one component each.")

    rules = (construct_problems, model_data_team_problems)

    @field_validator("team")
    @classmethod
    def _team(cls, team: str) -> str:
        return team_segment(team)

    @field_validator("image_repository")
    @classmethod
    def _repository(cls, name: str) -> str:
        return ecr_repository_name(name)


# --------------------------------------------------------------------------------------------------
# Checks that need the platform (paths relative to the platform config)


def inference_component_stage_problems(platform: Any) -> list[Problem]:
    """The two-instance production minimum for the platform's stage (every stage but dev); the message
    names the stage."""
    stage = platform.stage
    if stage == "dev":
        return []

    def check(index: int, endpoint: Any) -> list[Problem]:
        if endpoint.min_instances >= 2:
            return []
        return [(("inference_component_endpoints", index, "min_instances"),
                 f"stage {stage!r} is production: min_instances {endpoint.min_instances}: a production "
                 "endpoint runs 2 instances or more (two AZs); set min_instances: 2")]

    return each_item(platform.inference_component_endpoints, check)


def inference_component_team_problems(platform: Any) -> list[Problem]:
    """The endpoint's team is one of identity.teams, and its name is not an ``endpoints`` name too."""
    known = [t.name for t in platform.identity.teams]
    names = {e.name for e in platform.endpoints}

    def check(index: int, endpoint: Any) -> list[Problem]:
        problems: list[Problem] = []
        if endpoint.team not in known:
            problems.append((("inference_component_endpoints", index, "team"),
                             f"team {endpoint.team!r} of endpoint {endpoint.name} is not in identity.teams "
                             f"{known}; add it there or use one of those"))
        if endpoint.name in names:
            problems.append((("inference_component_endpoints", index, "name"),
                             f"name {endpoint.name!r} is also an endpoints entry; give each endpoint its own "
                             "name"))
        return problems

    return each_item(platform.inference_component_endpoints, check)
