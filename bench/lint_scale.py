"""Lint time against repository size, and against `zip -r` of the same tree.

    .venv/bin/python bench/lint_scale.py [N ...]      # default 100 1000 5000 10000

Generates a Flask repository with N files (a third Python modules, the rest
templates and static assets), then times `deploy-check --skip-build` on it
(the CLI, in a fresh process, median of 3) and `zip -qr` with the spec's
exclusions. Prints one table row per size. Nothing here is a test.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "example"
CLI = [sys.executable, "-m", "deploy_check"]
ZIP_EXCLUDES = ["-x", "*.git*", "-x", "__pycache__/*", "-x", "*.pyc", "-x", ".env",
                "-x", "venv/*", "-x", ".venv/*", "-x", "data/*"]

MODULE = '''import os

from flask import Blueprint

bp = Blueprint("m{n}", __name__)
DATA = os.environ.get("DATABASE_PATH", "/data/app.db")


@bp.route("/m{n}")
def view_{n}():
    return "module {n}"
'''


def make_repo(directory: pathlib.Path, count: int) -> None:
    shutil.copytree(EXAMPLE, directory, dirs_exist_ok=True)
    made = sum(1 for _ in directory.rglob("*") if _.is_file())
    n = 0
    while made < count:
        package = directory / "pkg" / f"p{n // 100}"
        package.mkdir(parents=True, exist_ok=True)
        kind = n % 3
        if kind == 0:
            (package / f"m{n}.py").write_text(MODULE.format(n=n))
        elif kind == 1:
            (package / f"t{n}.html").write_text("<p>{{ value }}</p>\n" * 20)
        else:
            (package / f"s{n}.css").write_text("body { margin: 0 }\n" * 20)
        made += 1
        n += 1


def timed(command: list[str], cwd: pathlib.Path | None = None, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sizes: list[int]) -> None:
    print(f"{'files':>8} {'lint s':>8} {'zip -r s':>9} {'lint/zip':>9}")
    print(f"{'example':>8} {timed(CLI + [str(EXAMPLE), '--skip-build']):8.3f}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            repo = pathlib.Path(tmp) / "repo"
            make_repo(repo, size)
            lint = timed(CLI + [str(repo), "--skip-build", "--format", "json"])
            zipped = None
            if shutil.which("zip"):
                out = pathlib.Path(tmp) / "out.zip"
                zipped = timed(["sh", "-c", f"rm -f {out}; zip -qr {out} . " + " ".join(f"'{a}'" for a in ZIP_EXCLUDES)], cwd=repo)
            ratio = f"{lint / zipped:9.2f}" if zipped else "        -"
            print(f"{size:>8} {lint:8.3f} {zipped or float('nan'):9.3f} {ratio}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 5000, 10000])
