"""What a run was asked to do: the CLI, the action and the config file all fill this."""
from __future__ import annotations

import dataclasses

from deploy_check.config import Config
from deploy_check.finding import Severity

TIERS: dict[str, dict[str, int]] = {
    "free": {"memory_bytes": 256 * 1024 * 1024, "storage_bytes": 1024**3, "cpus": 1},
    "pro": {"memory_bytes": 512 * 1024 * 1024, "storage_bytes": 1024**3, "cpus": 1},
    "team": {"memory_bytes": 1024**3, "storage_bytes": 5 * 1024**3, "cpus": 2},
}

FAIL_ON = ("error", "warning", "never")


@dataclasses.dataclass
class Options:
    """Everything a check can be told. Defaults are the contract's defaults."""

    tier: str = "free"
    smoke_paths: tuple[str, ...] = ("/",)
    timeout: float = 60.0
    fail_on: str = "error"
    # Which of tier/smoke_paths/timeout/fail_on were given explicitly (CLI or
    # action input): those win over the repository's config file.
    explicit: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    skip_build: bool = False
    skip_smoke: bool = False
    zip_path: str | None = None
    keep_image: bool = False
    # Set by the action: where the smoke-tested container must attach its network.
    network_container: str | None = None
    progress: object | None = None  # a callable(str) for live build/smoke lines, or None

    def with_config(self, config: Config) -> Options:
        """These options, with the repository's config filling what was not given."""
        changes: dict[str, object] = {"ignore": self.ignore | config.ignore}
        for name in ("tier", "smoke_paths", "timeout", "fail_on"):
            value = getattr(config, name)
            if value is not None and name not in self.explicit:
                changes[name] = value
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def memory_limit(self) -> int:
        return TIERS[self.tier]["memory_bytes"]

    @property
    def storage_limit(self) -> int:
        return TIERS[self.tier]["storage_bytes"]

    def fails(self, severity: Severity) -> bool:
        return fails(severity, self.fail_on)


def fails(severity: Severity, fail_on: str) -> bool:
    """Does a finding of this severity fail a run under this --fail-on?"""
    if fail_on == "never":
        return False
    threshold = Severity.ERROR if fail_on == "error" else Severity.WARNING
    return severity.rank >= threshold.rank
