"""While the first answer is awaited: whether the app listens, but not where Niblit connects.

An app on 0.0.0.0:8000 whose log never names the port (gunicorn at `--log-level warning`, a
server started in code) would otherwise be waited for until --timeout. Its listening sockets
are looked at on every poll: read from the host's /proc when this process sees the engine
host's PIDs (free), else with an exec in the container at most once a second. Once it has
listened somewhere, and nowhere at port 5000 on every address, for WRONG_BIND_SECONDS (a
server may open another port before its main one), waiting any longer tells nothing more.
"""
from __future__ import annotations

from typing import Any

from deploy_check.runtime import sockets

WRONG_BIND_SECONDS = 2.0
EXEC_SECONDS = 1.0


class BindWatch:
    """Fed the time on each poll of one container; `wrong` says when to stop waiting."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.since: float | None = None  # when it was first seen listening elsewhere
        self.shown = ""  # what it listens on, as "0.0.0.0:8000"
        self._next_exec = 0.0

    def wrong(self, now: float) -> bool:
        """True once the app has listened for WRONG_BIND_SECONDS, never where Niblit connects."""
        listeners = self._read(now)
        if listeners is not None:
            if not listeners or sockets.serves_niblit(listeners):
                self.since, self.shown = None, ""
            elif self.since is None:
                self.since, self.shown = now, ", ".join(str(item) for item in listeners)
        return self.since is not None and now - self.since >= WRONG_BIND_SECONDS

    def _read(self, now: float) -> list[sockets.Listener] | None:
        """The sockets now, or None when they cannot be read this time (the state stands)."""
        state = self.container.attrs.get("State") or {}  # as the poll's reload left it
        pid = state.get("Pid")
        found = sockets.read_from_host(pid if isinstance(pid, int) else 0, str(self.container.id))
        if found is not None:
            return found
        if now < self._next_exec:
            return None
        self._next_exec = now + EXEC_SECONDS
        return sockets.read(self.container)
