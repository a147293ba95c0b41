"""The app used more memory than the tier allows, or came close.

## Why it breaks on Niblit
The free tier has 256 MB, pro 512 MB, team 1 GB, with no swap. Above the
limit the kernel kills the process; when it kills a gunicorn worker the
container lives on but answers nothing. Killed for memory, or above the
limit: error; above 80% of it: warning.

The finding says where the memory went: each gunicorn process (the master and
its two workers, each of which imports app.py for itself), what was resident
right after boot (the imports) against what the requests added, and the
heaviest of app.py's imports, measured by importing the app once more in its
own image. The JSON report carries the same in `smoke.memory`.

## How to fix
Load less at start-up (big models or files lazily, or not at all), use fewer
or lighter dependencies, or choose a bigger tier (`--tier pro`).

## Example
Bad:

```python
CACHE = bytearray(300 * 1024 * 1024)  # at import, in every worker
```

Good:

```python
@functools.lru_cache(maxsize=1)
def model():
    return load_small_model()
```
"""
from __future__ import annotations

import dataclasses
import re

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.observed import Memory
from deploy_check.observed import MemoryBreakdown
from deploy_check.parsing import tracebacks
from deploy_check.rules.base import Rule

RULE = Rule("smoke-memory", severity="error", doc=__doc__)

# gunicorn's master saying a worker was killed (the kernel's OOM killer, as it sees it).
_WORKER_KILLED = re.compile(r"Worker \(pid:\d+\) was sent SIGKILL|Perhaps out of memory", re.IGNORECASE)
# Above this share of the limit: a warning.
WARN_SHARE = 0.8


def judge(memory: Memory) -> list[Finding]:
    """Killed for memory (by the engine's account or gunicorn's), over the tier's limit, or close to it."""
    return [_explained(finding, memory.breakdown) for finding in _judge(memory)]


def _judge(memory: Memory) -> list[Finding]:
    mib = spec.MIB
    peak, limit, tier = memory.peak_bytes, memory.limit_bytes, memory.tier
    killed = memory.oom_killed or memory.oom_kills > 0 or bool(_WORKER_KILLED.search(memory.logs))
    fits = spec.next_tier_with_more_memory(limit)
    if killed:
        more = f"; the {fits.name} tier has {fits.memory_bytes // mib} MB" if fits else ""
        return [RULE.finding(
            f"the app was killed for using more than the {tier} tier's {limit // mib} MB of memory{more}",
            hint="use less memory at start-up (load big data lazily, on first use) or a bigger tier",
            log=tracebacks.tail(memory.logs, 15))]
    if peak > limit:
        return [RULE.finding(f"peak memory {peak / mib:.0f} MiB is over the {tier} tier's {limit // mib} MB")]
    if peak > WARN_SHARE * limit:
        return [RULE.finding(
            f"peak memory {peak / mib:.0f} MiB is {peak / limit:.0%} of the {tier} tier's {limit // mib} MB",
            severity=Severity.WARNING, hint="leave headroom: traffic makes memory grow")]
    return []


def explain(breakdown: MemoryBreakdown) -> str:
    """Where the memory went, in one clause: per process, boot against requests, heaviest imports."""
    mib = spec.MIB
    parts = []
    if breakdown.worker_bytes:
        workers = " and ".join(f"{size / mib:.0f}" for size in breakdown.worker_bytes)
        parts.append(f"workers {workers} MiB" + (f", master {breakdown.master_bytes / mib:.0f} MiB"
                                                  if breakdown.master_bytes is not None else ""))
    if breakdown.after_boot_bytes is not None:
        text = f"{breakdown.after_boot_bytes / mib:.0f} MiB right after boot (importing the app)"
        added = breakdown.requests_added
        if added is not None:
            text += f", {added / mib:+.0f} MiB from requests"
        parts.append(text)
    if breakdown.heaviest_imports:
        parts.append("heaviest imports of app.py: " + ", ".join(
            f"{name} {size / mib:.0f} MiB" for name, size in breakdown.heaviest_imports))
    return "; ".join(parts)


def _explained(finding: Finding, breakdown: MemoryBreakdown | None) -> Finding:
    if breakdown is None or not explain(breakdown):
        return finding
    hint = finding.hint
    if breakdown.heaviest_imports:
        name = breakdown.heaviest_imports[0][0]
        # Every worker imports app.py for itself: what one import costs, each worker pays.
        hint = (f"each gunicorn worker imports app.py and holds its own copy of {name}: import it inside the "
                "function that needs it, load less of it, or use a lighter library; or choose a bigger tier")
    return dataclasses.replace(finding, message=f"{finding.message} ({explain(breakdown)})", hint=hint)
