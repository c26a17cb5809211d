"""Template transforms: expand what CloudFormation expands before it creates anything, so the rules see
the resources that will exist, and say what could not be expanded (never silence).

- ``AWS::LanguageExtensions``: ``Fn::ForEach`` is expanded by cfn-lint's expander (the one cfn-lint
  itself lints with); ``Fn::Length`` and ``Fn::ToJsonString`` are resolved by :mod:`.intrinsics`.
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html
- ``AWS::Serverless-2016-10-31`` (SAM): translated by aws-sam-translator, offline: the region is given
  (no credentials, no network call) and AWS managed policy names come from the table the translator
  ships. https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification.html
- Any other transform (``AWS::Include``, a macro): its output is not known here; a note says so.

Both libraries are optional (``pip install 'cdk-secure-ml[transforms]'``) and imported only when a
template declares the transform, so checking ordinary templates costs nothing extra. Without them the
template is still checked as written, with a note naming what was not expanded.

:func:`expand` never raises: whatever goes wrong becomes a note. Pure Python over parsed data; it
imports nothing of the package but :mod:`.intrinsics` helpers.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LANGUAGE_EXTENSIONS", "SAM", "Expansion", "expand", "transforms_of"]

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SAM = "AWS::Serverless-2016-10-31"
FOR_EACH_PREFIX = "Fn::ForEach::"
_INSTALL = "pip install 'cdk-secure-ml[transforms]'"
#: The region the SAM translator is given. SAM writes ARNs with ${AWS::Partition}/${AWS::Region}
#: intrinsics; the region only picks the partition of managed policy ARNs (aws).
_SAM_REGION = "us-east-1"
#: SAM properties that name local code or definitions (``sam build``/``package`` uploads them); the
#: translator accepts only S3 locations, so a local path is replaced by a placeholder S3 URI.
_LOCAL_URIS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


@dataclass
class Expansion:
    """What :func:`expand` returns.

    ``data``: the template after the transforms that could be applied (the input itself when none
    applied). ``notes``: ``(logical id or "", message)`` for each thing that could not be read or
    expanded (a "cannot verify" warning each). ``origins``: ``{generated logical id: logical id in the
    file}`` for resources a transform created (their findings point at the line of their source).
    """

    data: dict[str, Any]
    notes: list[tuple[str, str]] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)


def transforms_of(data: dict[str, Any]) -> list[Any]:
    """The template's ``Transform`` declaration as a list (a string or a list in the template)."""
    declared = data.get("Transform")
    if declared is None:
        return []
    return declared if isinstance(declared, list) else [declared]


def _for_each_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith(FOR_EACH_PREFIX):
                yield key
            yield from _for_each_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _for_each_keys(item)


def expand(data: dict[str, Any], file: str = "template") -> Expansion:
    """Apply the template's transforms that can be applied here, in the order declared (as
    CloudFormation does). Never raises; see :class:`Expansion`."""
    result = Expansion(data)
    declared = transforms_of(data)
    for name in declared:
        if name == LANGUAGE_EXTENSIONS:
            _language_extensions(result, file)
        elif name == SAM:
            _sam(result)
        else:
            label = name.get("Name") if isinstance(name, dict) else name
            result.notes.append(
                ("", f"Transform {label!s} is not expanded by this check: the resources it adds or "
                 "changes were not checked")
            )  # fmt: skip
    loops = any(True for _ in _for_each_keys(result.data.get("Resources")))
    if LANGUAGE_EXTENSIONS not in declared and loops:
        result.notes.append(
            ("", f"Fn::ForEach is used without 'Transform: {LANGUAGE_EXTENSIONS}' (CloudFormation rejects "
             "the template); the loop's resources were not checked")
        )  # fmt: skip
    return result


def _language_extensions(result: Expansion, file: str) -> None:
    loops = list(_for_each_keys(result.data))
    if not loops:
        return
    resource_loops = [k for k in _mapping(result.data.get("Resources")) if k.startswith(FOR_EACH_PREFIX)]
    try:
        from cfnlint.template import Template as LintTemplate
        from cfnlint.template.transforms._language_extensions import language_extension
    except ImportError:
        result.notes += [("", f"{key} not expanded: cfn-lint is not installed ({_INSTALL})") for key in loops]
        return
    import logging  # here, not at the top: only expansion needs it, and check starts faster without

    logging.getLogger("cfnlint").setLevel(logging.CRITICAL)
    before = set(_mapping(result.data.get("Resources")))
    try:
        matches, expanded = language_extension(LintTemplate(file, copy.deepcopy(result.data), ["us-east-1"]))
    except Exception as error:  # noqa: BLE001 - the expander's failure is a note, never a crash
        matches, expanded = [f"{type(error).__name__}: {error}"], None
    if matches or not isinstance(expanded, dict) or not isinstance(expanded.get("Resources"), dict):
        why = "; ".join(str(getattr(m, "message", m)) for m in matches) or "the expander gave no template"
        result.notes += [
            ("", f"{key} could not be expanded ({why}); its resources were not checked") for key in loops
        ]
        return
    for logical_id in expanded["Resources"]:
        if logical_id not in before:
            result.origins[logical_id] = _loop_of(logical_id, resource_loops)
    result.data = expanded


def _loop_of(logical_id: str, loops: list[str]) -> str:
    """The ``Fn::ForEach::`` key under ``Resources`` a generated resource most likely came from (the
    first loop at top level: nested loops sit inside it)."""
    return loops[0] if loops else logical_id


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sam(result: Expansion) -> None:
    try:
        import boto3
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:
        for logical_id, resource in _mapping(result.data.get("Resources")).items():
            if str(_mapping(resource).get("Type", "")).startswith("AWS::Serverless::"):
                result.notes.append(
                    (logical_id, "SAM resource not translated: aws-sam-translator is not installed "
                     f"({_INSTALL}); "
                     "the resources it creates (its IAM role and policies among them) were not checked")
                )  # fmt: skip
        return
    source = copy.deepcopy(result.data)
    for resource in _mapping(source.get("Resources")).values():
        prop = _LOCAL_URIS.get(str(_mapping(resource).get("Type")))
        props = _mapping(_mapping(resource).get("Properties"))
        if prop and isinstance(props.get(prop), str) and not props[prop].startswith("s3://"):
            props[prop] = "s3://local-artifact/" + props[prop].lstrip("./")
    import logging  # here, not at the top: only translation needs it

    logging.getLogger("samtranslator").setLevel(logging.CRITICAL)
    try:
        # A session with a region and nothing else: the translator reads the region from it and makes
        # no call (the managed policy map comes from its bundled table when get_managed_policy_map
        # returns nothing).
        session = boto3.session.Session(region_name=_SAM_REGION)
        translated = Translator(None, Parser(), boto_session=session).translate(
            sam_template=source, parameter_values={}, get_managed_policy_map=dict
        )
    except InvalidDocumentException as error:
        causes = "; ".join(str(getattr(c, "message", c)) for c in getattr(error, "causes", ())) or str(error)
        result.notes.append(("", f"SAM translation failed ({causes}); the SAM resources were not checked"))
        return
    except Exception as error:  # noqa: BLE001 - a translator failure is a note, never a crash
        why = f"{type(error).__name__}: {error}"
        result.notes.append(("", f"SAM translation failed ({why}); the SAM resources were not checked"))
        return
    originals = sorted(_mapping(result.data.get("Resources")), key=len, reverse=True)
    for logical_id in _mapping(translated.get("Resources")):
        if logical_id not in originals:
            # SAM names what it generates after the resource it came from (ModelOpsFunctionRole).
            result.origins[logical_id] = next((o for o in originals if logical_id.startswith(o)), "")
    result.data = translated
