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
