"""The app used more memory than the tier allows, or came close.

## Why it breaks on Niblit
The free tier has 256 MB, pro 512 MB, team 1 GB, with no swap. Above the
limit the kernel kills the process; when it kills a gunicorn worker the
container lives on but answers nothing. Killed for memory, or above the
limit: error; above 80% of it: warning.

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

import re

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.observed import Memory
from deploy_check.parsing import tracebacks
from deploy_check.rules.base import Rule

RULE = Rule("smoke-memory", severity="error", doc=__doc__)

# gunicorn's master saying a worker was killed (the kernel's OOM killer, as it sees it).
_WORKER_KILLED = re.compile(r"Worker \(pid:\d+\) was sent SIGKILL|Perhaps out of memory", re.IGNORECASE)
# Above this share of the limit: a warning.
WARN_SHARE = 0.8


def judge(memory: Memory) -> list[Finding]:
    """Killed for memory (by the engine's account or gunicorn's), over the tier's limit, or close to it."""
    mib = spec.MIB
    peak, limit, tier = memory.peak_bytes, memory.limit_bytes, memory.tier
    killed = memory.oom_killed or memory.oom_kills > 0 or bool(_WORKER_KILLED.search(memory.logs))
    fits = spec.next_tier_with_more_memory(limit)
    if killed:
        more = f"; the {fits.name} tier has {fits.memory_bytes // mib} MB" if fits else ""
        return [RULE.finding(
            f"the app was killed for using more than the {tier} tier's {limit // mib} MB of memory{more}",
            hint="use less memory at start-up (fewer workers' worth of data, lazy loading) or a bigger tier",
            log=tracebacks.tail(memory.logs, 15))]
    if peak > limit:
        return [RULE.finding(f"peak memory {peak / mib:.0f} MiB is over the {tier} tier's {limit // mib} MB")]
    if peak > WARN_SHARE * limit:
        return [RULE.finding(
            f"peak memory {peak / mib:.0f} MiB is {peak / limit:.0%} of the {tier} tier's {limit // mib} MB",
            severity=Severity.WARNING, hint="leave headroom: traffic makes memory grow")]
    return []
