"""The first answer took longer than 10 seconds.

## Why it breaks on Niblit
Free-tier apps sleep after 5 minutes without traffic and wake on the next
request, which waits for the app to boot (Niblit expects 3-5 seconds). A slow
boot makes that first visitor wait, or time out.

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

from deploy_check.finding import Finding
from deploy_check.rules.base import Rule

RULE = Rule("smoke-cold-start", severity="warning", doc=__doc__)

# The first answer may take this long before it is worth a warning (the contract's 10 s).
LIMIT_SECONDS = 10.0


def judge(seconds: float | None) -> list[Finding]:
    """The first answer's delay, in seconds (None: there was none: smoke-boot's)."""
    if seconds is None or seconds <= LIMIT_SECONDS:
        return []
    return [RULE.finding(
        f"the first answer took {seconds:.1f} s (Niblit's free tier wakes apps in 3-5 s)",
        hint="do less work at import time: connect lazily, load big files on first use")]
