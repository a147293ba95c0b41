"""Lint time against repository size, and against `zip -r` of the same tree.

    .venv/bin/python bench/lint_scale.py [--mix tiny|app] [N ...]   # default tiny, 100 1000 5000 10000

Generates a Flask repository with N files, then times `deploy-check --skip-build`
on it (the CLI, in a fresh process, median of 3) and `zip -qr` with the spec's
exclusions. Prints one table row per size. Nothing here is a test.

--mix tiny (the worst case for the linter): a third small Python modules, the
rest 400-byte templates and stylesheets; zip has almost nothing to compress.
--mix app: sizes like a real app's: 25% Python modules of about 4 KB, 20%
templates of about 3 KB, 20% CSS/JS of 8-24 KB, 30% images of 20-80 KB
(random bytes, stored as .png/.jpg: read by zip, never by the linter), 5% JSON.
"""
from __future__ import annotations

import os
import pathlib
import random
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


def _tiny_file(package: pathlib.Path, n: int) -> None:
    kind = n % 3
    if kind == 0:
        (package / f"m{n}.py").write_text(MODULE.format(n=n))
    elif kind == 1:
        (package / f"t{n}.html").write_text("<p>{{ value }}</p>\n" * 20)
    else:
        (package / f"s{n}.css").write_text("body { margin: 0 }\n" * 20)


def _app_file(package: pathlib.Path, n: int, rng: random.Random) -> None:
    slot = n % 20
    if slot < 5:
        body = MODULE.format(n=n) + "".join(
            f"\n\ndef helper_{n}_{i}(value):\n    total = value * {i}\n    return str(total) + 'x'\n"
            for i in range(rng.randint(30, 50)))
        (package / f"m{n}.py").write_text(body)
    elif slot < 9:
        (package / f"t{n}.html").write_text("<div class=\"row\"><p>{{ item.name }}</p></div>\n" * rng.randint(50, 90))
    elif slot < 13:
        name = f"s{n}.css" if slot % 2 else f"s{n}.js"
        (package / name).write_text(f".c{n} {{ margin: 0 auto; padding: 4px 8px; }}\n" * rng.randint(180, 540))
    elif slot < 19:
        (package / f"i{n}.{'png' if slot % 2 else 'jpg'}").write_bytes(rng.randbytes(rng.randint(20_000, 80_000)))
    else:
        (package / f"d{n}.json").write_text('{"id": %d, "tags": ["a", "b"]}\n' % n * rng.randint(40, 120))


def make_repo(directory: pathlib.Path, count: int, mix: str = "tiny") -> None:
    shutil.copytree(EXAMPLE, directory, dirs_exist_ok=True)
    made = sum(1 for _ in directory.rglob("*") if _.is_file())
    rng = random.Random(count)
    n = 0
    while made < count:
        package = directory / "pkg" / f"p{n // 100}"
        package.mkdir(parents=True, exist_ok=True)
        if mix == "app":
            _app_file(package, n, rng)
        else:
            _tiny_file(package, n)
        made += 1
        n += 1


def timed(command: list[str], cwd: pathlib.Path | None = None, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sizes: list[int], mix: str) -> None:
    print(f"mix: {mix}")
    print(f"{'files':>8} {'lint s':>8} {'zip -r s':>9} {'lint/zip':>9}")
    print(f"{'example':>8} {timed(CLI + [str(EXAMPLE), '--skip-build']):8.3f}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            repo = pathlib.Path(tmp) / "repo"
            make_repo(repo, size, mix)
            lint = timed(CLI + [str(repo), "--skip-build", "--format", "json"])
            zipped = None
            if shutil.which("zip"):
                out = pathlib.Path(tmp) / "out.zip"
                zipped = timed(["sh", "-c", f"rm -f {out}; zip -qr {out} . " + " ".join(f"'{a}'" for a in ZIP_EXCLUDES)], cwd=repo)
            ratio = f"{lint / zipped:9.2f}" if zipped else "        -"
            print(f"{size:>8} {lint:8.3f} {zipped or float('nan'):9.3f} {ratio}", flush=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = "tiny"
    if arguments[:1] == ["--mix"]:
        chosen, arguments = arguments[1], arguments[2:]
    main([int(a) for a in arguments] or [100, 1000, 5000, 10000], chosen)
