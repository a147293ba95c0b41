"""The lint's one visit of each Python module, on one core or on all of them.

Each module is read, parsed and walked once: every rule's `check_module` runs on it, and the facts the project rules need later (its required imports, the secrets its
AST shows) are kept, while the AST itself is dropped. Above a size where a pool pays for
its start-up, modules are spread over worker processes, as ruff and `flake8 -j` do; the
findings are the same as the serial visit's (the engine sorts them), and so are the facts.
"""
from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from deploy_check.finding import Finding
from deploy_check.parsing.config_classes import config_selection
from deploy_check.parsing.config_classes import debug_in_skipped_classes
from deploy_check.parsing.config_classes import loaded_classes
from deploy_check.parsing.env_needs import facts as env_facts
from deploy_check.parsing.imports import module_imports
from deploy_check.parsing.reachability import module_links
from deploy_check.parsing.secrets import python_secret_hits
from deploy_check.parsing.secrets import secret_candidates
from deploy_check.project import Project

# What a project rule may ask of a module after its visit, each memoized under (name, path).
FACTS: dict[str, Callable[[Project, str], Any]] = {
    "imports": module_imports,
    "imports.links": module_links,
    "config.loaded": loaded_classes,
    "config.selection": config_selection,
    "config.debug_skipped": debug_in_skipped_classes,
    "secrets.python": python_secret_hits,
    "env.needs": env_facts,
}

# Python source below this many bytes is visited serially: starting workers (about 0.1 s
# each, forked) would cost more than sharing the parse saves. About 150 modules of 4 KB.
PARALLEL_MIN_BYTES = 600_000
# Modules handed to a worker at a time: small enough to balance the load, large enough
# that sending results back stays cheap.
CHUNK_BYTES = 200_000

_project: Project | None = None
_rules: Sequence[ModuleType] = ()


def visit_modules(project: Project, rules: Sequence[ModuleType],
                  alongside: Callable[[], None] | None = None) -> list[Finding]:
    """Every finding of `rules` on every Python module; the modules' facts kept in `project`.
    `alongside()` runs in this process too: while the workers visit, when there are some."""
    paths = project.python_files()
    workers = _worker_count(project, paths)
    if workers < 2:
        found = _visit(project, rules, paths)[0]
        if alongside is not None:
            alongside()
        return found
    global _project, _rules
    _project, _rules = project, rules
    from deploy_check.parsing import secret_detectors  # noqa: F401 - its plugins made before the fork
    try:
        results = _visit_in_workers(project, paths, workers, alongside)
    finally:
        _project, _rules = None, ()
    if results is None:  # a worker died (killed, out of memory): the same visit, here
        return _visit(project, rules, paths)[0]
    findings: list[Finding] = []
    for found, facts in results:
        findings.extend(found)
        for key, value in facts.items():
            project.remember(key, value)
    return findings


def _visit_in_workers(project: Project, paths: Sequence[str], workers: int,
                      alongside: Callable[[], None] | None) -> list[tuple[list[Finding], dict]] | None:
    """The chunks' results in order, or None when the pool broke (a worker that dies takes
    its chunk with it: ProcessPoolExecutor says so, where multiprocessing.Pool would wait
    for it forever)."""
    context = multiprocessing.get_context("fork")
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
    try:
        pending = [pool.submit(_visit_in_worker, chunk) for chunk in _chunks(project, paths)]
        if alongside is not None:
            alongside()
        return [future.result() for future in pending]
    except concurrent.futures.process.BrokenProcessPool:
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _visit(project: Project, rules: Sequence[ModuleType], paths: Sequence[str]) -> tuple[list[Finding], dict]:
    findings: list[Finding] = []
    facts: dict[tuple[str, str], Any] = {}
    for path in paths:
        with project.scope(path):
            for rule in rules:
                findings.extend(rule.check_module(project))
        for name, fact in FACTS.items():
            facts[(name, path)] = fact(project, path)
    # The secret scan's prefilter, on the same texts, while they are at hand.
    for path, could_match in secret_candidates(project, paths).items():
        facts[("secrets.candidates", path)] = could_match
    for path in paths:
        facts.setdefault(("secrets.candidates", path), None)
    return findings, facts


def _quiet_worker() -> None:
    """Workers leave signals to the parent: SIGTERM ends a worker at once and silently (the
    parent's own handler unwinds it and shuts the pool down); Ctrl-C reaches the parent only."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _visit_in_worker(paths: list[str]) -> tuple[list[Finding], dict]:
    assert _project is not None
    return _visit(_project, _rules, paths)


def _worker_count(project: Project, paths: Sequence[str]) -> int:
    """How many processes to visit with: one for a small repository, and one whenever
    another thread runs (a pending build's): forking then could copy a lock held mid-way."""
    size = sum(entry.size for path in paths if (entry := project.entry(path)) is not None)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if size < PARALLEL_MIN_BYTES or cpus < 2 or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(cpus, 4)


def _chunks(project: Project, paths: Sequence[str]) -> list[list[str]]:
    """Consecutive runs of about CHUNK_BYTES of source, largest first (for the balance)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for path in paths:
        entry = project.entry(path)
        chunks[-1].append(path)
        size += entry.size if entry is not None else 0
        if size >= CHUNK_BYTES:
            chunks.append([])
            size = 0
    return [chunk for chunk in chunks if chunk]
