"""The derived scenario catalogue: who should be able to do what on this platform, read from the assembly.

Every Studio user profile (its persona and team from the profile's tags; the persona role's session carries
the ``team`` and ``user`` session tags the identity provider sets, docs/identity.md) × Studio, data, jobs,
models and serving; the service principals × their delivery paths (CloudWatch alarms and EventBridge → SNS,
CloudTrail and Config → S3, SageMaker with the keys and through the grants its roles let it create); what is
always denied (stopping the trail, plain HTTP, S3 outside the VPC endpoint, a person granting herself a key);
the pipeline's deploy path through CDK's bootstrap roles (:mod:`.paths`). A scenario's ``expected`` is the
platform's promise (docs/identity.md, docs/access.md), never read back from the policies that decide it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .assembly import Assembly
from .bedrock import bedrock
from .facts import facts as read_facts
from .facts import platforms
from .feature_store import feature_store
from .images import image_pulls
from .mlflow import mlflow
from .paths import deploy_paths, grant_paths
from .people import data, jobs, studio
from .scenarios import Scenario
from .services import delivery, services, serving
from .spaces import created_spaces

__all__ = ["derive"]


def derive(
    assembly: Assembly,
    *,
    team_key: str = "team",
    user_key: str = "user",
    consumer_endpoints: Sequence[str] | None = None,
) -> list[Scenario]:
    """The catalogue of ``assembly`` (see the module docstring), in a stable order.

    :param team_key: the session tag naming the person's team (the config's identity.team_tag_key);
        ``user_key``: the one naming their Studio profile (identity.user_tag_key).
    :param consumer_endpoints: the config names of the endpoints the model consumer was given
        (identity.consumer_endpoint_names): it invokes those (allow) and no other endpoint of the assembly
        (deny). ``None`` (unknown): only what holds for every config (another endpoint's name, any other
        SageMaker action: deny).
    """
    out: list[Scenario] = []
    for platform in platforms(assembly):
        given = list(consumer_endpoints) if consumer_endpoints is not None else None
        facts = read_facts(assembly, platform, team_key, user_key, given)
        teams = sorted({u["team"] for u in facts.users})
        for user in facts.users:
            others = [u for u in facts.users if u["name"] != user["name"]]
            other = next((u for u in others if u["team"] != user["team"]), others[0] if others else None)
            if other:
                out += studio(facts, user, other)
            out += data(facts, user, next((t for t in teams if t != user["team"]), None))
            out += jobs(facts, user)
            out += mlflow(facts, user)
        out += created_spaces(facts, platform)
        out += serving(facts, facts.users)
        out += feature_store(facts, facts.users)
        out += services(facts)
        out += image_pulls(facts)
        out += grant_paths(facts)
        out += bedrock(facts)
    out += delivery(assembly)
    out += deploy_paths(assembly)
    return out
