"""What route probing did, in at most three lines for the formats people read (the text
report, the job summary, the pull request comment): how many of the app's routes were
probed and where they were found, which failed, which answered, which were left out and
why. Each list names its first MAX_LISTED paths and counts the rest, so fifty routes stay
three lines. The lines are plain text: each format escapes them its own way.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from deploy_check.stages import SmokeStage

MAX_LISTED = 8
_SOURCES = {"url_map": "from its url_map", "decorators": "read from its source", "none": "none found"}


@dataclasses.dataclass(frozen=True)
class Probes:
    """The probed routes (the smoke paths aside), sorted into failed, answered and left out."""

    source: str
    error: str | None  # why the url_map could not be read, when the routes came from the source
    failed: tuple[str, ...]  # "/report 500", "/slow no answer"
    answered: tuple[tuple[str, tuple[str, ...]], ...]  # (status, paths): ("302", ("/admin", "/account"))
    left_out: tuple[tuple[str, tuple[str, ...]], ...]  # (why, paths)
    with_arguments: int = 0  # GET routes with URL arguments, never probed

    @property
    def probed(self) -> int:
        return len(self.failed) + sum(len(paths) for _, paths in self.answered)


def of(smoke: SmokeStage) -> Probes | None:
    """The probes of a smoke test that probed routes, else None."""
    discovery = smoke.route_discovery
    if not discovery:
        return None
    count = int(discovery.get("probed") or 0)
    entries = (smoke.routes or [])[-count:] if count else []
    failed, late = [], []
    answered: dict[str, list[str]] = {}
    for entry in entries:
        path, status = str(entry.get("path")), entry.get("status")
        if status is None and str(entry.get("error") or "").startswith("not probed"):
            late.append(path)
        elif "finding" in entry:
            failed.append(f"{path} {status if status is not None else 'no answer'}")
        else:
            answered.setdefault(str(status), []).append(path)
    reasons: dict[str, list[str]] = {}
    for item in discovery.get("skipped") or []:
        reasons.setdefault(str(item.get("why")), []).append(str(item.get("path")))
    if late:
        reasons["the probes' time ran out"] = late
    return Probes(str(discovery.get("source")), discovery.get("error"), tuple(failed),
                  tuple((status, tuple(paths)) for status, paths in sorted(answered.items())),
                  tuple((why, tuple(paths)) for why, paths in reasons.items()),
                  int(discovery.get("with_arguments") or 0))


def listed(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """'a, b, c' or 'a, b, c and 5 more'."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def lines(probes: Probes) -> list[str]:
    """At most three lines: what was probed and failed, what answered, what was left out."""
    source = _SOURCES.get(probes.source, probes.source)
    if probes.error and probes.source != "url_map":
        source += f"; the url_map could not be read: {' '.join(probes.error.split())[:120]}"
    head = f"{probes.probed} of the app's routes probed ({source})"
    if probes.failed:
        head += f", {len(probes.failed)} failed: {listed(probes.failed)}"
    elif probes.probed:
        head += ", none failed"
    out = [head]
    if probes.answered:
        out.append("answered " + "; ".join(f"{status}: {listed(paths)}" for status, paths in probes.answered))
    left_out = [f"{listed(paths)} ({why})" for why, paths in probes.left_out]
    if probes.with_arguments:
        left_out.append(f"{probes.with_arguments} with URL arguments")
    if left_out:
        out.append("not probed: " + "; ".join(left_out))
    return out
