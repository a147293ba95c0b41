"""Where the app's memory goes: per gunicorn process (from the engine's `top`), right after
boot (what importing the app costs each worker) and after the probes (what requests added),
and which of app.py's imports weigh most (measured by the inspection, in the same image)."""
from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from deploy_check.observed import MemoryBreakdown

HEAVIEST = 5
NOTABLE_BYTES = 1024 * 1024  # an import lighter than this is not worth naming
MAX_PROCESSES = 64


def processes(client: Any, container_id: str) -> dict[int, tuple[int, int]] | None:
    """{pid: (parent pid, resident bytes)} of the container's processes, or None (it is gone)."""
    try:
        listing = client.api.top(container_id, ps_args="-o pid,ppid,rss")
    except Exception:  # noqa: BLE001 - exited, or the engine's host has no ps
        return None
    titles = [str(t).upper() for t in listing.get("Titles") or []]
    if not {"PID", "PPID", "RSS"} <= set(titles):
        return None
    found = {}
    for row in (listing.get("Processes") or [])[:MAX_PROCESSES]:
        try:
            values = dict(zip(titles, row))
            found[int(values["PID"])] = (int(values["PPID"]), int(values["RSS"]) * 1024)
        except (KeyError, TypeError, ValueError):
            continue
    return found or None


SETTLE_SECONDS = 3.0
# Sampled this often (one `docker top` is about 20 ms of the engine's time) ...
SETTLE_STEP = 0.05
# ... and settled when gunicorn's workers are level (each within SETTLED_BYTES of the largest:
# the largest answered, so it has imported the app), or else when no process came or went and
# the total grew by less than SETTLED_BYTES over the last SETTLE_WINDOW seconds.
SETTLE_WINDOW = 0.25
SETTLED_BYTES = 1024 * 1024


def settled(client: Any, container_id: str) -> dict[int, tuple[int, int]] | None:
    """The processes once their memory stops growing (bounded): the first answer comes from
    the first worker up, while the second may still be importing the app."""
    deadline = time.monotonic() + SETTLE_SECONDS
    last = processes(client, container_id)
    history: list[tuple[float, dict[int, tuple[int, int]]]] = []
    while last is not None:
        now = time.monotonic()
        history.append((now, last))
        if workers_level(last) or _stable(history, now) or now >= deadline:
            return last
        time.sleep(SETTLE_STEP)
        sample = processes(client, container_id)
        if sample is None:  # it exited meanwhile: the last listing stands
            return last
        last = sample
    return None


def workers_level(listing: dict[int, tuple[int, int]]) -> bool:
    """Two or more workers of one master, each within SETTLED_BYTES of the largest one."""
    roots = [pid for pid, (parent, _) in listing.items() if parent not in listing]
    if len(roots) != 1:
        return False
    workers = [rss for parent, rss in listing.values() if parent == roots[0]]
    return len(workers) >= 2 and max(workers) - min(workers) < SETTLED_BYTES


def _stable(history: list[tuple[float, dict[int, tuple[int, int]]]], now: float) -> bool:
    """The same processes as the latest sample at least SETTLE_WINDOW old, and under
    SETTLED_BYTES more memory than it."""
    older = [listing for taken, listing in history if now - taken >= SETTLE_WINDOW]
    if not older:
        return False
    latest, then = history[-1][1], older[-1]
    return set(latest) == set(then) and abs(_total(latest) - _total(then)) < SETTLED_BYTES


def _total(listing: dict[int, tuple[int, int]]) -> int:
    return sum(rss for _, rss in listing.values())


def breakdown(after_boot: dict[int, tuple[int, int]] | None, after_requests: dict[int, tuple[int, int]] | None,
              imports: Iterable[tuple[str, int]]) -> MemoryBreakdown | None:
    """The master (the process whose parent is outside the container) and its workers."""
    latest = after_requests or after_boot
    if not latest:
        return None
    roots = [pid for pid, (parent, _) in latest.items() if parent not in latest]
    master = roots[0] if len(roots) == 1 else None
    workers = sorted(rss for pid, (parent, rss) in latest.items() if parent == master) if master else []
    heaviest = tuple(sorted(((name, size) for name, size in imports if size >= NOTABLE_BYTES),
                            key=lambda item: -item[1])[:HEAVIEST])
    return MemoryBreakdown(
        master_bytes=latest[master][1] if master else None,
        worker_bytes=tuple(workers),
        after_boot_bytes=sum(rss for _, rss in after_boot.values()) if after_boot else None,
        after_requests_bytes=sum(rss for _, rss in after_requests.values()) if after_requests else None,
        heaviest_imports=heaviest)
