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

from deploy_check.rules.base import Rule

RULE = Rule("smoke-memory", severity="error", doc=__doc__)
