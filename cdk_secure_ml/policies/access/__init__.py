"""Access proofs: AWS's policy evaluation logic over a cloud assembly (``secure-ml access``, docs/access.md).

:mod:`.conditions` (Condition element and wildcards), :mod:`.grants` (KMS grants) → :mod:`.evaluator` (one
request) → :mod:`.managed` (AWS managed policies), :mod:`.bootstrap` (CDK's bootstrap roles of a pipeline's
accounts) → :mod:`.assembly` (principals, resources and policies of a cdk.out) → :mod:`.kms_grants` (the
grants the assembly implies) → :mod:`.scenarios` (a request and its promised decision, YAML, running) →
:mod:`.facts`, :mod:`.people`, :mod:`.services`, :mod:`.paths` → :mod:`.catalogue` (the derived scenarios) →
:mod:`.cli`.
"""

from .assembly import Assembly, load_assembly
from .catalogue import derive
from .evaluator import Decision, Hit, Policy, Principal, Request, evaluate
from .scenarios import Scenario, load_scenarios, run

__all__ = [
    "Assembly",
    "Decision",
    "Hit",
    "Policy",
    "Principal",
    "Request",
    "Scenario",
    "derive",
    "evaluate",
    "load_assembly",
    "load_scenarios",
    "run",
]
