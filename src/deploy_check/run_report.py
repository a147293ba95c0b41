"""The outcome of one run: findings plus the build, smoke and package stages."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.stages import BuildStage
from deploy_check.stages import PackageStage
from deploy_check.stages import SmokeStage



@dataclasses.dataclass
class Report:
    """What JSON, SARIF, text and GitHub outputs are rendered from."""

    path: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    build: BuildStage = dataclasses.field(default_factory=BuildStage)
    smoke: SmokeStage = dataclasses.field(default_factory=SmokeStage)
    package: PackageStage = dataclasses.field(default_factory=PackageStage)
    tier: str = spec.DEFAULT_TIER
    fail_on: str = "error"
    # What --fix did ({"applied", "files", "dropped"}); None when it was not asked for.
    fixed: dict[str, Any] | None = None
    # --unsafe-fixes: unsafe fixes count as fixable in the outputs.
    unsafe_fixes: bool = False
    # The fixes --fix would write, as one unified diff with secrets masked (the job summary
    # shows it); None when not computed. Not part of the JSON report.
    fix_diff: str | None = dataclasses.field(default=None, repr=False, compare=False)
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
        if self.build.status == "error":  # the reason is why it could not finish: said as that
            return [note for note in self.build.notes if note != self.build.reason]
        return self.build.notes

    @property
    def unfinished(self) -> str | None:
        """Why the check could not finish (a stage with status "error"), or None when it did.

        Such a report still carries every finding made before that stage stopped; the CLI
        and the action render it in full, then exit 2."""
        for stage in (self.build, self.smoke, self.package):
            if stage.status == "error":
                return stage.reason or "the check could not finish"
        return None

    @property
    def tier_limits(self) -> spec.Tier:
        """The limits of the report's tier (the free tier's for a name no tier has)."""
        return spec.TIERS.get(self.tier, spec.tier(spec.DEFAULT_TIER))

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
            "build": self.build.to_dict(),
            "smoke": self.smoke.to_dict(),
            "package": self.package.to_dict(),
            **({"fixed": self.fixed} if self.fixed is not None else {}),
        }
