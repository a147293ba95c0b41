"""What deploy-check adds on top of a plain `docker build` + `docker run` + first answer.

    .venv/bin/python bench/overhead.py [RUNS]     # default 3

Both sides build example/ from a cold image tag (layer cache as the machine has
it), run it with -m 256m on a published loopback port and wait for the first
200. deploy-check also lints, checks the second smoke path, watches memory,
diffs the filesystem and does the restart check: the table shows each part.
Also times `deploy-check --version` (start-up).
"""
from __future__ import annotations

import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "example"


def plain_docker() -> dict[str, float]:
    tag = "bench-plain:latest"
    start = time.perf_counter()
    subprocess.run(["docker", "build", "-q", "-t", tag, str(EXAMPLE)], check=True, capture_output=True)
    built = time.perf_counter()
    cid = subprocess.run(["docker", "run", "-d", "-m", "256m", "-p", "127.0.0.1::5000", tag], check=True,
                         capture_output=True, text=True).stdout.strip()
    try:
        port = subprocess.run(["docker", "port", cid, "5000"], check=True, capture_output=True,
                              text=True).stdout.split(":")[-1].strip()
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        answered = time.perf_counter()
    finally:
        subprocess.run(["docker", "rm", "-f", cid], capture_output=True)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
    return {"build": built - start, "to_first_answer": answered - built, "total": answered - start}


def deploy_check() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        report_path = pathlib.Path(tmp) / "r.json"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "deploy_check", str(EXAMPLE), "--smoke-path", "/", "--json",
                        str(report_path)], check=True, capture_output=True)
        total = time.perf_counter() - start
        report = json.loads(report_path.read_text())
    return {"build": report["build"]["seconds"], "cold_start": report["smoke"]["cold_start_seconds"],
            "peak_mib": report["smoke"]["peak_memory_bytes"] / 2**20, "total": total}


def startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "deploy_check", "--version"], check=True, capture_output=True)
    return time.perf_counter() - start


def main(runs: int) -> None:
    plain = [plain_docker() for _ in range(runs)]
    ours = [deploy_check() for _ in range(runs)]
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    print(f"runs: {runs} (medians)")
    print(f"plain docker build + run + first 200: {med(plain, 'total'):.2f} s "
          f"(build {med(plain, 'build'):.2f} s, run to first answer {med(plain, 'to_first_answer'):.2f} s)")
    print(f"deploy-check example (lint, build, smoke, restart check, cleanup): {med(ours, 'total'):.2f} s "
          f"(build {med(ours, 'build'):.1f} s, cold start {med(ours, 'cold_start'):.1f} s, "
          f"peak {med(ours, 'peak_mib'):.0f} MiB)")
    print(f"overhead: {med(ours, 'total') - med(plain, 'total'):.2f} s")
    print(f"deploy-check --version start-up: {statistics.median(startup() for _ in range(5)):.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
