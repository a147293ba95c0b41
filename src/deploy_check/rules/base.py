"""What every rule module shares: its id, default severity and documentation."""
from __future__ import annotations

import dataclasses

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.finding import Severity

@dataclasses.dataclass(frozen=True)
class Settings:
    """What a run tells the rules that need more than the repository (they declare
    `SETTINGS = True` and take it as `check(project, settings)`)."""

    tier: spec.Tier = spec.tier(spec.DEFAULT_TIER)
    # The variables --env gives the smoke-tested app (Niblit still does not set them).
    smoke_env_names: frozenset[str] = frozenset()


DOCS_URL = "https://github.com/niblit/deploy-check/blob/main/docs/rules/{id}.md"


FIX_LINES = {
    None: "Fix: by hand (no automatic fix).",
    "safe": "Fix: **safe**: `deploy-check --fix` applies it (`--diff` shows it first).",
    "unsafe": "Fix: **unsafe**: applied only with `--fix --unsafe-fixes`, as it needs a human's eye.",
    "safe or unsafe": "Fix: **safe or unsafe**, depending on the finding: `--fix` applies the safe ones, "
    "`--unsafe-fixes` adds the others.",
}


@dataclasses.dataclass(frozen=True)
class Rule:
    """A rule's identity. `doc` is the rule module's docstring: its first line is
    the short description, the rest is the page shown by --explain and docs/rules."""

    id: str
    severity: Severity | str
    doc: str | None
    # Whether findings carry a fix: "safe" (--fix applies it), "unsafe" (only with
    # --unsafe-fixes), "safe or unsafe" (depends on the finding), or None (fixed by hand).
    fix: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if self.fix not in FIX_LINES:
            raise ValueError(f"{self.id}: fix must be one of {sorted(map(str, FIX_LINES))}")

    @property
    def short(self) -> str:
        return (self.doc or self.id).strip().splitlines()[0].strip().rstrip(".")

    @property
    def help_uri(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def page(self) -> str:
        """The Markdown page for docs/rules/<id>.md and --explain."""
        body = (self.doc or "").strip().split("\n", 1)
        rest = body[1].strip() if len(body) > 1 else ""
        return (
            f"# {self.id}\n\n{self.short}.\n\n"
            f"Default severity: **{Severity(self.severity).value}**\n\n{FIX_LINES[self.fix]}\n\n{rest}\n"
        )

    def finding(
        self,
        message: str,
        at: Location | None = None,
        *,
        hint: str | None = None,
        severity: Severity | str | None = None,
        log: str | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        where = at or Location(None)
        return Finding(
            rule=self.id,
            severity=Severity(severity or self.severity),
            message=message,
            path=where.path,
            line=where.line,
            column=where.column,
            end_line=where.end_line,
            end_column=where.end_column,
            hint=hint,
            log=log,
            fix=fix,
        )
