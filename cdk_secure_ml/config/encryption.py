"""``encryption``: the platform's KMS keys, one per data class or one shared (docs/encryption.md,
``EncryptionKeys``)."""

from __future__ import annotations

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Section
from cdk_secure_ml.core.names import DATA_CLASS_RE, kms_alias_prefix_problem

#: Data classes the reference platform needs a key for (see docs/encryption.md).
PLATFORM_DATA_CLASSES = ("data", "artifacts", "volumes", "logs")


class EncryptionConfig(Section):
    """The key layout: a rotated, retained customer-managed key per data class."""

    data_classes: list[str] = Field(
        default_factory=lambda: list(PLATFORM_DATA_CLASSES),
        description="The key layout: lower-case data class names, each once; must include the four classes "
                    "the platform uses (data, artifacts, volumes, logs).")
    shared_key: bool = Field(False, description="One key for every data class instead of one per class.")
    alias_prefix: str | None = Field(
        None, description="Key aliases are alias/<prefix>/<data class>; default: the platform name. Letters, "
                          "digits, '/', '_' and '-', not starting with 'aws' or 'alias/'.")
    pending_window_days: int = Field(
        30, ge=7, le=30, description="Days (7-30) before a scheduled key deletion completes.")

    @field_validator("data_classes")
    @classmethod
    def _layout(cls, classes: list[str]) -> list[str]:
        if not classes:
            raise ValueError(
                "the key layout is empty; list the data classes to encrypt, e.g. "
                f"{list(PLATFORM_DATA_CLASSES)}"
            )
        bad = [c for c in classes if not DATA_CLASS_RE.match(c)]
        if bad:
            raise ValueError(f"data class names {bad} must be lower-case words matching "
                             f"{DATA_CLASS_RE.pattern}")
        if len(set(classes)) != len(classes):
            raise ValueError(f"data classes {classes} repeat a name; list each once")
        missing = [c for c in PLATFORM_DATA_CLASSES if c not in classes]
        if missing:
            raise ValueError(
                f"the platform needs keys for {missing}; add them to data_classes "
                "(set shared_key: true to use one key for everything)"
            )
        return classes

    @field_validator("alias_prefix")
    @classmethod
    def _alias_prefix(cls, prefix: str | None) -> str | None:
        problem = kms_alias_prefix_problem(prefix) if prefix is not None else None
        if problem:
            raise ValueError(f"alias prefix {problem}")
        return prefix
