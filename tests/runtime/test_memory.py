"""Memory per gunicorn process and per import, and how smoke-memory says it."""
from __future__ import annotations

from deploy_check.observed import Memory
from deploy_check.observed import MemoryBreakdown
from deploy_check.rules import smoke_memory
from deploy_check.runtime import memory

MIB = 1024 * 1024


class _Api:
    def __init__(self, listing):
        self.listing = listing

    def top(self, container_id, ps_args):
        assert ps_args == "-o pid,ppid,rss"
        if isinstance(self.listing, Exception):
            raise self.listing
        return self.listing


class _Client:
    def __init__(self, listing):
        self.api = _Api(listing)


def test_processes_from_the_engines_top():
    listing = {"Titles": ["PID", "PPID", "RSS"], "Processes": [["100", "90", "20480"], ["101", "100", "1024"], ["x"]]}
    assert memory.processes(_Client(listing), "c") == {100: (90, 20 * MIB), 101: (100, MIB)}
    assert memory.processes(_Client(RuntimeError("gone")), "c") is None
    assert memory.processes(_Client({"Titles": ["UID"], "Processes": [["0"]]}), "c") is None


def test_master_workers_boot_and_requests():
    boot = {100: (90, 20 * MIB), 101: (100, 100 * MIB), 102: (100, 101 * MIB)}
    later = {100: (90, 20 * MIB), 101: (100, 110 * MIB), 102: (100, 101 * MIB)}
    found = memory.breakdown(boot, later, [("flask", 20 * MIB), ("os", 0), ("ballast", 85 * MIB)])
    assert found.master_bytes == 20 * MIB and found.worker_bytes == (101 * MIB, 110 * MIB)
    assert found.after_boot_bytes == 221 * MIB and found.requests_added == 10 * MIB
    assert found.heaviest_imports == (("ballast", 85 * MIB), ("flask", 20 * MIB))
    assert memory.breakdown(None, None, []) is None


def test_the_finding_says_where_the_memory_went_and_never_to_change_the_workers():
    breakdown = MemoryBreakdown(20 * MIB, (110 * MIB, 110 * MIB), 240 * MIB, 245 * MIB, (("ballast", 85 * MIB),))
    (finding,) = smoke_memory.judge(Memory(215 * MIB, 256 * MIB, "free", breakdown=breakdown))
    assert finding.severity.value == "warning"
    assert "workers 110 and 110 MiB, master 20 MiB" in finding.message
    assert "240 MiB right after boot (importing the app), +5 MiB from requests" in finding.message
    assert "heaviest imports of app.py: ballast 85 MiB" in finding.message
    assert "ballast" in finding.hint and "--workers" not in finding.hint and "fewer workers" not in finding.hint


def test_nothing_to_explain_when_it_fits():
    breakdown = MemoryBreakdown(20 * MIB, (30 * MIB,), 50 * MIB, 50 * MIB)
    assert smoke_memory.judge(Memory(50 * MIB, 256 * MIB, "free", breakdown=breakdown)) == []


class _Clock:
    """time for memory.settled: sleeping moves it on, and nothing else does."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class _Samples:
    """A `docker top` that gives one listing per call (None: the container is gone)."""

    def __init__(self, *listings):
        self.listings = list(listings)
        self.calls = 0
        self.api = self

    def top(self, container_id, ps_args):
        self.calls += 1
        listing = self.listings[min(self.calls, len(self.listings)) - 1]
        if listing is None:
            raise RuntimeError("gone")
        rows = [[str(pid), str(parent), str(rss // 1024)] for pid, (parent, rss) in listing.items()]
        return {"Titles": ["PID", "PPID", "RSS"], "Processes": rows}


def _gunicorn(second_worker):
    return {100: (90, 20 * MIB), 101: (100, 31 * MIB), 102: (100, second_worker)}


def test_settled_at_once_when_the_workers_are_level(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memory, "time", clock)
    client = _Samples(_gunicorn(30 * MIB + MIB // 2))
    assert memory.settled(client, "c") == _gunicorn(30 * MIB + MIB // 2)
    assert (client.calls, clock.now) == (1, 0.0)


def test_settled_waits_for_the_second_worker_to_import_the_app(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memory, "time", clock)
    client = _Samples(_gunicorn(21 * MIB), _gunicorn(25 * MIB), _gunicorn(29 * MIB), _gunicorn(31 * MIB))
    assert memory.settled(client, "c") == _gunicorn(31 * MIB)
    assert client.calls == 4 and clock.now == 3 * memory.SETTLE_STEP


def test_settled_without_workers_once_nothing_grew_for_a_window(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memory, "time", clock)
    one = {100: (90, 40 * MIB)}
    client = _Samples({100: (90, 30 * MIB)}, one)  # `python app.py`: one process, still growing at first
    assert memory.settled(client, "c") == one
    # Not before a whole window of no growth after the last growth.
    assert memory.SETTLE_WINDOW + memory.SETTLE_STEP <= clock.now < memory.SETTLE_WINDOW + 2 * memory.SETTLE_STEP


def test_settled_when_a_worker_is_never_level_gives_up_at_the_deadline(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(memory, "time", clock)
    growing = [{100: (90, 20 * MIB), 101: (100, (31 + 2 * step) * MIB), 102: (100, 20 * MIB)} for step in range(200)]
    client = _Samples(*growing)  # the first worker's memory grows on: never level, never stable
    assert memory.settled(client, "c") is not None
    assert memory.SETTLE_SECONDS <= clock.now < memory.SETTLE_SECONDS + 2 * memory.SETTLE_STEP


def test_settled_keeps_the_last_listing_when_the_container_goes(monkeypatch):
    monkeypatch.setattr(memory, "time", _Clock())
    assert memory.settled(_Samples(_gunicorn(21 * MIB), None), "c") == _gunicorn(21 * MIB)
    assert memory.settled(_Samples(None), "c") is None


def test_workers_level_needs_one_master_and_two_workers():
    assert memory.workers_level(_gunicorn(31 * MIB))
    assert not memory.workers_level(_gunicorn(29 * MIB))
    assert not memory.workers_level({100: (90, 20 * MIB), 101: (100, 31 * MIB)})  # one worker: the other unforked?
    assert not memory.workers_level({**_gunicorn(31 * MIB), 200: (91, 9 * MIB)})  # an exec beside the master
