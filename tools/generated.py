"""What every generator under tools/ does with its output: write it, or with ``--check`` say it is stale."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(path: Path, render: Callable[[], str], command: str, argv: list[str] | None = None) -> int:
    """Write ``render()`` to ``path``; with ``--check`` in ``argv``, exit 1 when the file differs instead.

    :param command: how to regenerate the file, for the stale message.
    """
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path.relative_to(ROOT)} is stale; run: {command}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0
