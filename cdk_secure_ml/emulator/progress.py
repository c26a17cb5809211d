"""What both demos print as they go (``make demo``'s :mod:`.demo`, ``secure-ml demo``'s :mod:`.app_demo`), and
how they tell Ctrl-C from a failure.

A terminal's Ctrl-C sends SIGINT to the whole process group: the cdk CLI a demo runs may die of it
before Python raises ``KeyboardInterrupt``, so a CLI that exits by SIGINT (or with 130, as shells
report it) counts as an interruption, not as a failed step.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The exit code of a process stopped by Ctrl-C, as shells report it (128 + SIGINT).
INTERRUPTED = 128 + signal.SIGINT


def say(message: str = "") -> None:
    print(message, flush=True)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """After ``phase``: ``demo: <phase> took <N>s`` (the phase prints its own lines as it goes)."""
    started = time.monotonic()
    try:
        yield
    finally:
        say(f"demo: {phase} took {time.monotonic() - started:.0f}s")


@contextmanager
def step(name: str) -> Iterator[None]:
    """``demo: <name> ...`` before it starts, ``demo: <name>: done|failed|interrupted in <N>s`` after."""
    say(f"demo: {name} ...")
    started = time.monotonic()
    outcome = "failed"
    try:
        yield
        outcome = "done"
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    finally:
        say(f"demo: {name}: {outcome} in {time.monotonic() - started:.0f}s")


def moto_version() -> str:
    """The installed moto's version (the demos' messages name it; pyproject allows a range)."""
    from importlib.metadata import version

    return version("moto")


def failed_checks(result: Any) -> int:
    """Checks of an audit result (:class:`cdk_secure_ml.policies.live.calls.AuditResult`) with an error."""
    return len({(f.rule, f.resource) for f in result.errors})


def raise_if_interrupted(returncode: int) -> None:
    """Raise ``KeyboardInterrupt`` when a child process ended by Ctrl-C."""
    if returncode in (-signal.SIGINT, INTERRUPTED):
        raise KeyboardInterrupt


def exit_process(code: int) -> None:
    """``sys.exit(code)``, except after Ctrl-C: then leave without atexit hooks. Ctrl-C also stopped jsii's
    node process (loaded with the platform config), whose atexit hook would print a BrokenPipeError
    traceback; the demo has already stopped the emulator and printed its summary."""
    if code == INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
