"""Our zip (lint + zip, through the CLI) against Info-ZIP `zip -r` with the spec's exclusions.

    .venv/bin/python bench/zip_throughput.py [MB ...]    # default 100 300

Builds a tree of about MB megabytes (half compressible text, half random
bytes, in ~1 MB files plus 2,000 small ones), then times both (median of 3)
and reports the child's peak memory (ru_maxrss). Nothing here is a test.
"""
from __future__ import annotations

import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXCLUDES = ["-x", "*.git*", "-x", "__pycache__/*", "-x", "*.pyc", "-x", ".env", "-x", "venv/*", "-x", ".venv/*",
            "-x", "data/*"]


def make_tree(root: pathlib.Path, megabytes: int) -> None:
    shutil.copytree(ROOT / "example", root)
    text = ("def handler(request):\n    return render_template('x.html', value=request.args)\n" * 12000).encode()
    for index in range(megabytes):
        folder = root / "assets" / f"d{index // 50}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text[: 1024 * 1024] if index % 2 else os.urandom(1024 * 1024)
        (folder / f"f{index}.bin").write_bytes(data)
    for index in range(2000):
        folder = root / "small" / f"s{index // 200}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{index}.py").write_text(f"VALUE = {index}\n")


def timed(command: list[str], cwd: pathlib.Path) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    return statistics.median(times), max(peaks)


def main(sizes: list[int]) -> None:
    print(f"{'MB':>5} {'zip -r s':>9} {'ours s':>8} {'ratio':>6} {'ours MB/s':>10} {'peak RSS MiB':>13}")
    for megabytes in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tree = pathlib.Path(tmp) / "tree"
            make_tree(tree, megabytes)
            out = pathlib.Path(tmp) / "out.zip"
            zip_s, _ = timed(["sh", "-c", f"rm -f {out}; zip -qr {out} . " + " ".join(f"'{a}'" for a in EXCLUDES)], tree)
            ours_s, peak = timed([sys.executable, "-m", "deploy_check", str(tree), "--skip-build", "--format", "json",
                                  "--zip", str(out)], tree)
            print(f"{megabytes:>5} {zip_s:9.2f} {ours_s:8.2f} {ours_s / zip_s:6.2f} {megabytes / ours_s:10.1f} "
                  f"{peak / 1024:13.0f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 300])
