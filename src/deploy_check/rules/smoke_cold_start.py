"""The first answer took longer than the tier allows: 5 seconds on free, 10 on the others.

## Why it breaks on Niblit
Free-tier apps sleep after 5 minutes without traffic and wake on the next
request, which waits for the app to boot (Niblit promises 3-5 seconds). A slow
boot makes that first visitor wait, or time out. The other tiers do not sleep,
but every deploy and restart still waits for the boot: above 10 s is a warning.

The finding says what the time went on: the app is imported once more in its
own image with `python -X importtime`, and its slowest imports are named (your
own modules marked as app code), with the time app.py's own top-level code
took. The JSON report carries the same in `smoke.cold_start` on every run.

## How to fix
Do less at import time: connect to the database lazily, load data on first
use, avoid network calls at start-up.

## Example
Bad:

```python
DATA = download_everything()  # at import
```

Good:

```python
@functools.lru_cache(maxsize=1)
def data():
    return load_data()
```
"""
from __future__ import annotations

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.observed import ImportTimes
from deploy_check.rules.base import Rule

RULE = Rule("smoke-cold-start", severity="warning", doc=__doc__)

# The first answer may take this long before it is worth a warning, on a tier that promises
# no wake-up time; one that does (free: 3-5 s) is held to the upper end of its promise.
LIMIT_SECONDS = 10.0


def limit(tier: str) -> float:
    """The cold start above which this rule warns on `tier`: the thresholds' one place."""
    promised = spec.tier(tier).cold_start_seconds
    return promised[1] if promised else LIMIT_SECONDS


def judge(seconds: float | None, tier: str = spec.DEFAULT_TIER, imports: ImportTimes | None = None) -> list[Finding]:
    """The first answer's delay, in seconds (None: there was none: smoke-boot's), on `tier`,
    explained by the app's import times when they were measured."""
    threshold = limit(tier)
    if seconds is None or seconds <= threshold:
        return []
    promised = spec.tier(tier).cold_start_seconds
    expectation = (f"Niblit's {tier} tier wakes apps in {promised[0]:.0f}-{promised[1]:.0f} s" if promised
                   else f"over {threshold:.0f} s")
    message = f"the first answer took {seconds:.1f} s ({expectation})"
    hint = "do less work at import time: connect lazily, load big files on first use"
    if imports is not None:
        message += f"; {imports.sentence()}"
        module, slowest, local = imports.slowest[0] if imports.slowest else ("", 0.0, False)
        if imports.own_seconds >= slowest:
            hint = "app.py's own top-level code is the slow part: move that work into a function run on first use"
        elif local:
            hint = f"{module} (your code) does slow work when imported: move it into a function run on first use"
        else:
            hint = f"import {module} inside the function that needs it (or cache its work on first use)"
    return [RULE.finding(message, hint=hint)]
