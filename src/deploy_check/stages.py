"""The build, smoke and package stages of a run, as typed results.

Each stage is a dataclass whose `to_dict()` is the contract's JSON for it: the fields in
their order, those marked `optional` left out while they are None. A stage that never
ran is `skipped`; one that could not run is `error` with a `reason`. `describe()` gives
each figure once, formatted (units, rounding), for the text report and the job summary
to lay out as they do.
"""
from __future__ import annotations

import dataclasses
from typing import Any
from typing import ClassVar

MIB = 1024 * 1024


def optional(default: Any = None) -> Any:
    """A field that appears in the JSON only when set (not None)."""
    return dataclasses.field(default=default, metadata={"optional": True})


class Stage:
    """What every stage shares: a status, and the JSON of its fields."""

    KEY: ClassVar[str] = ""
    status: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is None and field.metadata.get("optional"):
                continue
            out[field.name] = value
        return out

    @property
    def ran(self) -> bool:
        return self.status != "skipped"


@dataclasses.dataclass
class BuildStage(Stage):
    """`docker build` of the repository (or the template)."""

    status: str = "skipped"
    seconds: float | None = None
    image_size_bytes: int | None = None
    # Which Dockerfile was built ("repository" or "template"; None when nothing was), and whether
    # the context was a copy of the tree with the safe fixes applied.
    dockerfile: str | None = None
    fixed_tree: bool = False
    # Which Dockerfile was smoke-tested and why, said in every format.
    note: str | None = optional()
    reason: str | None = optional()

    @property
    def notes(self) -> list[str]:
        """What every format says about the build besides its figures."""
        return [text for text in (self.note, self.reason) if text]

    def describe(self) -> dict[str, str]:
        """The figures that were measured, formatted: {"seconds": "12.3 s", "image": "150 MiB"}."""
        facts = {}
        if self.seconds is not None:
            facts["seconds"] = f"{self.seconds:.1f} s"
        if self.image_size_bytes:
            facts["image"] = f"{self.image_size_bytes / MIB:.0f} MiB"
        return facts


@dataclasses.dataclass
class SmokeStage(Stage):
    """The image run as Niblit runs it, probed, then restarted on the same /data."""

    status: str = "skipped"
    cold_start_seconds: float | None = None
    peak_memory_bytes: int | None = None
    restart: str = "skipped"
    memory_limit_bytes: int | None = optional()
    # The smoke paths' HTTP statuses (None: no answer).
    answers: dict[str, int | None] | None = optional()
    # Every path probed: the smoke paths, then the app's own routes: [{"path", "status", "seconds", ...}].
    routes: list[dict[str, Any]] | None = optional()
    # What the app's import took, from -X importtime in its image: {"import_seconds",
    # "app_code_seconds", "slowest_imports": [{"module", "seconds", "app_code"}]}.
    cold_start: dict[str, Any] | None = optional()
    # Where the memory went: {"master_bytes", "worker_bytes": [...], "after_boot_bytes",
    # "after_requests_bytes", "heaviest_imports": [{"module", "bytes"}]}.
    memory: dict[str, Any] | None = optional()
    # What the app stored and whether it survived the second start: {"database_path", "tables",
    # "tables_after_restart", "data_files", "databases_elsewhere", "volume_writes", "scratch_writes"}.
    persistence: dict[str, Any] | None = optional()
    # Where the probed routes came from and what was left out (with --probe-routes).
    route_discovery: dict[str, Any] | None = optional()
    reason: str | None = optional()

    def describe(self, memory_limit_bytes: int | None = None) -> dict[str, str]:
        """The figures, formatted: cold start, peak memory (and its share of the limit), restart."""
        facts = {}
        if self.cold_start_seconds is not None:
            facts["cold start"] = f"{self.cold_start_seconds:.1f} s"
        limit = memory_limit_bytes or self.memory_limit_bytes
        if self.peak_memory_bytes is not None:
            facts["peak memory"] = f"{self.peak_memory_bytes / MIB:.0f} MiB"
            if limit:
                facts["memory limit"] = f"{limit / MIB:.0f} MiB"
                facts["memory share"] = f"{self.peak_memory_bytes / limit:.0%}"
        facts["restart"] = self.restart
        return facts


@dataclasses.dataclass
class PackageStage(Stage):
    """The upload zip: where, how big, its digest, and what was left out of it."""

    status: str = "skipped"
    path: str | None = None
    bytes: int | None = None
    files: int | None = None
    sha256: str | None = None
    # What the zip left out and why: [{"path", "reason"}].
    excluded: list[dict[str, str]] | None = optional()
    reason: str | None = optional()
    # The artifact's file name, where the action uploads it.
    name: str | None = optional()

    def describe(self) -> dict[str, str]:
        """The zip's figures, formatted: size, file count, digest."""
        if self.status != "ok" or self.bytes is None:
            return {}
        return {"size": f"{self.bytes / MIB:.2f} MiB", "files": f"{self.files} files", "sha256": self.sha256 or ""}
