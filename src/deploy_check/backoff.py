"""How long to wait before trying a web service again: its Retry-After when it gives one,
else a jittered exponential backoff (shared by the artifact client and the REST client)."""
from __future__ import annotations

import random


def delay(attempt: int, retry_after: str | None, *, longest_asked: float, longest_backoff: float) -> float:
    """Seconds before attempt `attempt + 1`: Retry-After (capped at `longest_asked`), else
    0.5 s doubled per attempt (capped at `longest_backoff`), jittered by ±50%."""
    if retry_after:
        try:
            return min(longest_asked, max(0.0, float(retry_after)))
        except ValueError:
            pass
    return min(longest_backoff, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
