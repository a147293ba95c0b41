"""What the build and the smoke test saw, as plain data: what the runtime rules judge.

The runtime (deploy_check.runtime) drives Docker and fills these; each runtime rule's
`judge()` (rules/build_failed.py, rules/smoke_*.py) turns one of them into findings.
Nothing here imports Docker, so every judge has unit tests without an engine.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Answer:
    """One HTTP probe's outcome."""

    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    error: str | None = None
    seconds: float | None = None  # from sending the request to the end of the answer's first 64 KiB

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


@dataclasses.dataclass
class Run:
    """One container's life: how it answered, how much memory it took, how it ended."""

    container_id: str
    base_url: str
    started: float
    first_answer: float | None = None
    answers: dict[str, Answer] = dataclasses.field(default_factory=dict)
    exited: bool = False
    exit_code: int | None = None
    oom_killed: bool = False
    logs: str = ""
    # gunicorn's master respawning workers that die at start-up: the container lives on
    # and answers nothing, so waiting out the timeout would only waste it.
    crash_loop: int = 0
    # The app listens on the container's 127.0.0.1 only (from its log), which Niblit cannot reach.
    loopback: str = ""
    # The app said it listens on another port than 5000 (from its log, twice a second apart).
    elsewhere: str = ""
    # What its sockets showed it listening on instead, for runtime/listening.WRONG_BIND_SECONDS
    # without an answer ("0.0.0.0:8000"): the wait ended there, whatever its log said.
    listening: str = ""
    # How long the smoke test waited for a first answer, in seconds.
    timeout: float = 0.0

    @property
    def cold_start(self) -> float | None:
        """Seconds from start to the first answer (one decimal), None without one."""
        return round(self.first_answer - self.started, 1) if self.first_answer is not None else None


@dataclasses.dataclass(frozen=True)
class BuildFailure:
    """A `docker build` that failed: its log, the engine's reason, and what was built."""

    log_lines: tuple[str, ...]
    error: str | None = None
    template: bool = False  # the spec's template was built (its lines are not the user's)


@dataclasses.dataclass(frozen=True)
class MemoryBreakdown:
    """Resident memory per gunicorn process, after boot and after the probes, and the
    heaviest of app.py's imports as (module, bytes)."""

    master_bytes: int | None = None
    worker_bytes: tuple[int, ...] = ()
    after_boot_bytes: int | None = None  # all processes, right after the first answer: the imports
    after_requests_bytes: int | None = None  # all processes, after the smoke paths and routes
    heaviest_imports: tuple[tuple[str, int], ...] = ()

    @property
    def requests_added(self) -> int | None:
        if self.after_boot_bytes is None or self.after_requests_bytes is None:
            return None
        return self.after_requests_bytes - self.after_boot_bytes

    def to_json(self) -> dict[str, object]:
        return {"master_bytes": self.master_bytes, "worker_bytes": list(self.worker_bytes),
                "after_boot_bytes": self.after_boot_bytes, "after_requests_bytes": self.after_requests_bytes,
                "heaviest_imports": [{"module": m, "bytes": b} for m, b in self.heaviest_imports]}


@dataclasses.dataclass(frozen=True)
class Memory:
    """The container's memory against the tier's limit."""

    peak_bytes: int
    limit_bytes: int
    tier: str
    oom_kills: int = 0  # the engine's OOM events and the cgroup's kill count, the larger
    oom_killed: bool = False  # the container's own state says so
    logs: str = ""
    breakdown: MemoryBreakdown | None = None


@dataclasses.dataclass(frozen=True)
class Restart:
    """The second start against the same /data."""

    run: Run | None  # None: the container could not even start
    start_failure: str = ""  # the engine's reason, when it could not


@dataclasses.dataclass(frozen=True)
class ImportTimes:
    """The app module's import, from -X importtime in its image: in all, its own top-level
    code, and its slowest direct imports as (module, seconds, is the app's own code)."""

    import_seconds: float
    own_seconds: float
    slowest: tuple[tuple[str, float, bool], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"import_seconds": round(self.import_seconds, 3), "app_code_seconds": round(self.own_seconds, 3),
                "slowest_imports": [{"module": m, "seconds": round(s, 3), "app_code": local}
                                    for m, s, local in self.slowest]}

    def sentence(self) -> str:
        named = ", ".join(f"{m}{' (app code)' if local else ''} {s:.1f} s" for m, s, local in self.slowest)
        text = f"importing app.py took {self.import_seconds:.1f} s"
        if named:
            text += f": {named}"
        return text + f"; app.py's own top-level code {self.own_seconds:.1f} s"


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A file the running app's container holds: size, modification time, and when it is an
    SQLite database, its tables with their row counts (None: not a database; a count of
    None: unreadable)."""

    size: int
    mtime: float
    tables: dict[str, int | None] | None = None


@dataclasses.dataclass(frozen=True)
class Stored:
    """What a running container held: each root walked ({root: {path: file}}), and the SQLite
    databases written since it started found under the working directory."""

    roots: dict[str, dict[str, StoredFile]]
    databases_elsewhere: dict[str, StoredFile]
    since: float = 0.0  # when the container was started (epoch seconds)

    def under(self, root: str) -> dict[str, StoredFile]:
        return self.roots.get(root, {})

    def written(self, root: str) -> dict[str, StoredFile]:
        """Files under `root` modified since the container started."""
        return {path: item for path, item in self.under(root).items() if item.mtime >= self.since}
