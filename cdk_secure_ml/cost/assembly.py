"""Reading a synthesized cloud assembly (``cdk.out``) for the cost model: each stack's template and
environment.

``manifest.json`` lists the assembly's artifacts. A stack (``aws:cloudformation:stack``) names its template
file and its environment ``aws://ACCOUNT/REGION``; an app that does not pin them gets
``aws://unknown-account/unknown-region`` (or one of the two unknown). A nested assembly
(``cdk:cloud-assembly``: a ``Stage``, and every stage a CDK Pipeline deploys) is a directory with its own
manifest, read recursively. Cloud assembly schema:
https://docs.aws.amazon.com/cdk/api/v2/docs/cloud-assembly-schema-readme.html

Also accepted: a single template file (JSON), whose environment is unknown. Pure Python, no CDK import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNKNOWN_ACCOUNT = "unknown-account"
UNKNOWN_REGION = "unknown-region"


class CostInputError(Exception):
    """The path given to the cost model cannot be read: the message names the file and the fix."""


@dataclass(frozen=True)
class StackTemplate:
    """One stack of an assembly: its artifact id, account and region (possibly the ``unknown-*`` markers),
    its template file and the parsed template (a dict with ``Resources``)."""

    stack: str
    account: str
    region: str
    file: Path
    template: dict[str, Any]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources = self.template.get("Resources") or {}
        return resources if isinstance(resources, dict) else {}


def parse_environment(environment: str | None) -> tuple[str, str]:
    """``aws://123456789012/eu-west-1`` -> (account, region); anything else -> the unknown markers."""
    if not environment or not environment.startswith("aws://"):
        return UNKNOWN_ACCOUNT, UNKNOWN_REGION
    parts = environment[len("aws://") :].split("/")
    account = parts[0] if parts and parts[0] else UNKNOWN_ACCOUNT
    region = parts[1] if len(parts) > 1 and parts[1] else UNKNOWN_REGION
    return account, region


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CostInputError(
            f"{path}: no such file; give a cdk.out directory (run `cdk synth`) or a template file"
        ) from None
    except OSError as error:
        raise CostInputError(f"{path}: cannot read: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise CostInputError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise CostInputError(f"{path}: expected a JSON object, found {type(document).__name__}")
    return document


def _assembly_stacks(directory: Path, seen: set[Path]) -> list[StackTemplate]:
    manifest_path = directory / "manifest.json"
    if directory.resolve() in seen:
        return []
    seen.add(directory.resolve())
    manifest = _read_json(manifest_path)
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, dict):
        raise CostInputError(f"{manifest_path}: no 'artifacts' object; is this a cloud assembly (cdk.out)?")
    stacks: list[StackTemplate] = []
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        properties = artifact.get("properties") or {}
        if artifact.get("type") == "cdk:cloud-assembly":
            nested = properties.get("directoryName")
            if nested:
                stacks += _assembly_stacks(directory / nested, seen)
        elif artifact.get("type") == "aws:cloudformation:stack":
            template_file = properties.get("templateFile")
            if not template_file:
                raise CostInputError(f"{manifest_path}: stack {artifact_id} names no templateFile")
            account, region = parse_environment(artifact.get("environment"))
            path = directory / template_file
            stacks.append(StackTemplate(artifact_id, account, region, path, _read_json(path)))
    return stacks


def read_assembly(path: str | Path) -> list[StackTemplate]:
    """Every stack of the assembly at ``path`` (a ``cdk.out`` directory, nested stage assemblies
    included), or the one template at ``path`` (account and region unknown).

    Raises :class:`CostInputError` for a missing or unreadable path, a directory without
    ``manifest.json``, invalid JSON (with its line), or an assembly with no stack.
    """
    path = Path(path)
    if path.is_dir():
        if not (path / "manifest.json").is_file():
            raise CostInputError(f"{path}: no manifest.json; give the cdk.out directory `cdk synth` wrote")
        stacks = _assembly_stacks(path, set())
        if not stacks:
            raise CostInputError(f"{path}: the assembly has no CloudFormation stack")
        return stacks
    template = _read_json(path)
    if not isinstance(template.get("Resources"), dict):
        raise CostInputError(f"{path}: not a CloudFormation template (no 'Resources' object)")
    return [StackTemplate(path.stem, UNKNOWN_ACCOUNT, UNKNOWN_REGION, path, template)]
