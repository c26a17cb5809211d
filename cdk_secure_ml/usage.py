"""The command line's argument parsing, shared by every ``secure-ml`` command: a bad argument raises
:class:`UsageError` (the command prints it and exits 2) instead of argparse's own exit."""

from __future__ import annotations

import argparse

__all__: list[str] = []


class UsageError(Exception):
    """Bad command-line input; the message names the value and the fix."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise :class:`UsageError` naming ``<prog> --help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")
