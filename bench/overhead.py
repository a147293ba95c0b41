"""What deploy-check adds on top of a plain `docker build` + `docker run` + first answer.

    .venv/bin/python bench/overhead.py [RUNS] [--quiet LOAD]     # default 3 runs

--quiet LOAD waits (at most 10 minutes a round) until the 1-minute load average is under
LOAD before each round: on a machine others share, their Docker tests otherwise decide
the figures. The load seen at each round's start is printed.

Both sides build example/ from a cold image tag (layer cache as the machine has
it), run it with -m 256m and a /data volume on a published loopback port, wait
for the first 200 and remove what they made (timed: deploy-check's run includes
its cleanup). deploy-check also lints, watches memory, diffs the
filesystem and does the restart check (stop, start a second container on the
same volume, wait for its answer), imports the app once more in a short-lived
container (route discovery, import times and memory), reads the processes
(`docker top`) and what the app stored (`docker exec`) of both containers, and
probes the app's routes: so the plain side is timed twice, with and without that
work, to tell the engine work apart from deploy-check's own. deploy-check is timed
with route probing on (the default) and off, which says what probing costs.
Also times `deploy-check --version` (start-up).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "example"


def _run_until_answer(tag: str, volume: str) -> str:
    cid = subprocess.run(["docker", "run", "-d", "-m", "256m", "-v", f"{volume}:/data", "-p", "127.0.0.1::5000",
                          tag], check=True, capture_output=True, text=True).stdout.strip()
    port = subprocess.run(["docker", "port", cid, "5000"], check=True, capture_output=True,
                          text=True).stdout.split(":")[-1].strip()
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                if response.status == 200:
                    return cid
        except OSError:
            time.sleep(0.05)


def _look_inside(cid: str) -> None:
    """What deploy-check asks of a running container: its processes, and one exec of its Python."""
    subprocess.run(["docker", "top", cid, "-o", "pid,ppid,rss"], check=True, capture_output=True)
    subprocess.run(["docker", "exec", cid, "python", "-I", "-c", "import os, sqlite3, json; os.listdir('/data')"],
                   check=True, capture_output=True)


def plain_docker(restart: bool) -> dict[str, float]:
    """By hand: build, run, first 200, and the removal of what that made; with `restart`, the
    rest of deploy-check's engine work: the import in a second container beside the boot, the
    processes and one exec, the second run on the same volume until it answers (with the first
    container's `docker diff` meanwhile, as deploy-check does it) and one exec in it. Each step
    as a shell script would do it, the independent ones at once."""
    tag, volume = "bench-plain:latest", "bench-plain-data"
    start = time.perf_counter()
    subprocess.run(["docker", "build", "-q", "-t", tag, str(EXAMPLE)], check=True, capture_output=True)
    built = time.perf_counter()
    cids = []
    try:
        inspect = subprocess.Popen(["docker", "run", "--rm", "--network", "none", "--entrypoint", "python", tag,
                                    "-X", "importtime", "-c", "import app"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if restart else None
        cids.append(_run_until_answer(tag, volume))
        answered = time.perf_counter()
        if restart:
            assert inspect is not None
            inspect.wait()
            _look_inside(cids[0])
            subprocess.run(["docker", "stop", cids[0]], check=True, capture_output=True)
            diff = subprocess.Popen(["docker", "diff", cids[0]], stdout=subprocess.DEVNULL)
            cids.append(_run_until_answer(tag, volume))
            _look_inside(cids[1])
            diff.wait()
        done = time.perf_counter()
    finally:
        subprocess.run(["docker", "rm", "-f", *cids], capture_output=True)
        subprocess.run(["docker", "volume", "rm", "-f", volume], capture_output=True)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
    removed = time.perf_counter()
    return {"build": built - start, "to_first_answer": answered - built, "cleanup": removed - done,
            "before_cleanup": done - start, "total": removed - start}


def deploy_check(probe_routes: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        report_path = pathlib.Path(tmp) / "r.json"
        start = time.perf_counter()
        probing = "--probe-routes" if probe_routes else "--no-probe-routes"
        subprocess.run([sys.executable, "-m", "deploy_check", str(EXAMPLE), "--smoke-path", "/", probing, "--json",
                        str(report_path)], check=True, capture_output=True)
        total = time.perf_counter() - start
        report = json.loads(report_path.read_text())
    routes = [entry for entry in report["smoke"].get("routes") or [] if entry["path"] != "/"]
    return {"build": report["build"]["seconds"], "cold_start": report["smoke"]["cold_start_seconds"],
            "peak_mib": report["smoke"]["peak_memory_bytes"] / 2**20, "total": total,
            "probed": len(routes), "probe_seconds": sum(entry["seconds"] or 0 for entry in routes)}


def startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "deploy_check", "--version"], check=True, capture_output=True)
    return time.perf_counter() - start


def wait_until_quiet(load: float | None, patience: float = 600.0) -> float:
    """The 1-minute load average once it is under `load` (or patience ran out)."""
    deadline = time.monotonic() + patience
    while load is not None and os.getloadavg()[0] >= load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def main(runs: int, quiet: float | None = None) -> None:
    plain, again, ours, unprobed, loads = [], [], [], [], []
    for _ in range(runs):  # interleaved, so that a slow spell of the machine hits all four alike
        loads.append(wait_until_quiet(quiet))
        plain.append(plain_docker(restart=False))
        again.append(plain_docker(restart=True))
        ours.append(deploy_check())
        unprobed.append(deploy_check(probe_routes=False))
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    print(f"runs: {runs} (medians), 1-minute load average at each round's start: "
          f"{', '.join(f'{load:.1f}' for load in loads)}")
    print(f"plain docker build + run + first 200: {med(plain, 'total'):.2f} s "
          f"(build {med(plain, 'build'):.2f} s, run to first answer {med(plain, 'to_first_answer'):.2f} s)")
    print(f"deploy-check example (lint, build, smoke, restart check, cleanup): {med(ours, 'total'):.2f} s "
          f"(build {med(ours, 'build'):.1f} s, cold start {med(ours, 'cold_start'):.1f} s, "
          f"peak {med(ours, 'peak_mib'):.0f} MiB)")
    print(f"overhead over build + one boot: {med(ours, 'total') - med(plain, 'total'):.2f} s")
    print(f"plain docker, the same engine work (also stop + second run on the same volume + 200 + diff + cleanup): "
          f"{med(again, 'total'):.2f} s (cleanup {med(again, 'cleanup'):.2f} s)")
    print(f"overhead over the same engine work by hand: {med(ours, 'total') - med(again, 'total'):.2f} s "
          f"({med(ours, 'total') - med(again, 'before_cleanup'):.2f} s if the hand's cleanup were free)")
    print(f"route probing: {med(ours, 'probed'):.0f} routes beyond the smoke paths in {med(ours, 'probe_seconds'):.3f} s; "
          f"--no-probe-routes {med(unprobed, 'total'):.2f} s, so probing costs "
          f"{med(ours, 'total') - med(unprobed, 'total'):+.2f} s")
    print(f"deploy-check --version start-up: {statistics.median(startup() for _ in range(5)):.3f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=3)
    parser.add_argument("--quiet", type=float, metavar="LOAD", help="wait for a load average under LOAD")
    arguments = parser.parse_args()
    main(arguments.runs, arguments.quiet)
