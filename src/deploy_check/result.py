"""The outcome of one run: findings plus the build, smoke and package stages."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Severity



def _skipped_build() -> dict[str, Any]:
    return {"status": "skipped", "seconds": None, "image_size_bytes": None, "dockerfile": None, "fixed_tree": False}


def _skipped_smoke() -> dict[str, Any]:
    return {
        "status": "skipped",
        "cold_start_seconds": None,
        "peak_memory_bytes": None,
        "restart": "skipped",
    }


def _skipped_package() -> dict[str, Any]:
    return {"status": "skipped", "path": None, "bytes": None, "files": None, "sha256": None}


@dataclasses.dataclass
class Report:
    """What JSON, SARIF, text and GitHub outputs are rendered from."""

    path: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    build: dict[str, Any] = dataclasses.field(default_factory=_skipped_build)
    smoke: dict[str, Any] = dataclasses.field(default_factory=_skipped_smoke)
    package: dict[str, Any] = dataclasses.field(default_factory=_skipped_package)
    tier: str = spec.DEFAULT_TIER
    fail_on: str = "error"
    # What --fix did ({"applied", "files", "dropped"}); None when it was not asked for.
    fixed: dict[str, Any] | None = None
    # --unsafe-fixes: unsafe fixes count as fixable in the outputs.
    unsafe_fixes: bool = False
    # The text of a repository line (for quoting it); not part of any output.
    source_line: Callable[[str, int], str | None] | None = dataclasses.field(
        default=None, repr=False, compare=False
    )

    def fixable(self, finding: Finding) -> bool:
        """Would --fix (with this run's --unsafe-fixes) apply this finding's fix?"""
        return finding.fix is not None and (finding.fix.safe or self.unsafe_fixes)

    @property
    def build_notes(self) -> list[str]:
        """What every format says about the build besides its figures: which Dockerfile was
        smoke-tested and why, or why nothing could be built."""
        return [str(self.build[key]) for key in ("note", "reason") if self.build.get(key)]

    @property
    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "path": self.path,
            "tier": self.tier,
            "findings": [finding.to_dict() for finding in self.findings],
            "counts": self.counts,
            "build": self.build,
            "smoke": self.smoke,
            "package": self.package,
            **({"fixed": self.fixed} if self.fixed is not None else {}),
        }
