"""Everything that checks or guards: the rule catalogue and its engine, the CDK plugin, iam-lint, the live
audit and the SCPs.

Importing this package loads nothing else. The engine is layered, each layer importing only those
before it (docs/rules.md, "How the policy engine is laid out"): :mod:`.ids` and :mod:`.findings` →
:mod:`.template` (with :mod:`.intrinsics`) → :mod:`.rule` and :mod:`.iam_document` → :mod:`.acks` →
:mod:`.rules` → :mod:`.runner`; :mod:`.plugin`, :mod:`.iam_lint` and :mod:`.live` sit on top.
"""
