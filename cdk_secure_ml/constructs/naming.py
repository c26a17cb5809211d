"""Construct ids derived from names in the config (teams, users, services, rules, ...).

Construct ids are public API: renaming one replaces the resource in deployed accounts. Every id the
library derives from a name goes through :func:`pascal_case`, so they are all derived the same way.
"""

from __future__ import annotations

import re

__all__ = []


def pascal_case(name: str) -> str:
    """``"data-scientist"`` -> ``"DataScientist"``; ``-``, ``_``, ``.`` and ``/`` separate words."""
    return "".join(part.capitalize() for part in re.split(r"[-_./]+", name) if part)
