"""``secure-ml audit``: a read-only boto3 audit of a deployed account and region.

Same rule ids as the template rules where the check is the same (``SML-NET-1`` is the Studio domain
being VPC-only in a template and in the account). Checks that exist only against a live account
have ids numbered from 101 (:data:`LIVE_RULES`). A service the auditor cannot ask (access denied,
or any other error) gives a "not verified" warning (``SML-META-101``), never a pass.
"""

from .audit import audit, run_audit
from .calls import AuditError, AuditResult
from .rules import LIVE_RULES, NOT_VERIFIED

__all__ = ["LIVE_RULES", "NOT_VERIFIED", "AuditError", "AuditResult", "audit", "run_audit"]
