"""Lint speed and memory on a large, realistic app tree, side by side with its peers.

    .venv/bin/python bench/realistic_tree.py [--keep DIR]

The tree (issue 12): the bundled example app, plus 640 modules of real Python source copied
from this interpreter's own standard library (about 13 MB), 300 images (about 61 MB: random
bytes, stored as .png/.jpg; zip reads them, the linter never does) and a `venv/` of about
12 MB (copied site-packages files: left out of the zip and of the lint).

Measured in one run, interleaved, median of 3:
  - `deploy-check --skip-build --zip` (lint + zip) and `deploy-check --skip-build` (lint only),
    each in a fresh process, with its peak resident memory (ru_maxrss of the child);
  - Info-ZIP `zip -r` with the spec's exclusions;
  - CPython's `ast.parse` over the same modules, on one core, in a fresh process.
Prints the figures and the ratios the issue's targets are stated in. Nothing here is a test.
"""
from __future__ import annotations

import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "example"
CLI = [sys.executable, "-m", "deploy_check"]
ZIP_EXCLUDES = ["-x", "*.git*", "-x", "__pycache__/*", "-x", "*.pyc", "-x", ".env",
                "-x", "venv/*", "-x", ".venv/*", "-x", "data/*"]
MODULES, IMAGES = 640, 300
VENV_BYTES = 12 * 1024 * 1024

PARSE_ALL = """
import ast, sys, time
paths = sys.argv[1:]
start = time.perf_counter()
for path in paths:
    with open(path, encoding="utf-8", errors="replace") as handle:
        try:
            ast.parse(handle.read(), filename=path)
        except SyntaxError:
            pass
print(time.perf_counter() - start)
"""


def _stdlib_modules() -> list[pathlib.Path]:
    stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
    found = sorted(p for p in stdlib.rglob("*.py")
                   if "site-packages" not in p.parts and "test" not in p.parts and "tests" not in p.parts
                   and "lib2to3" not in p.parts and p.stat().st_size > 2000)
    return found


def make_tree(directory: pathlib.Path) -> list[pathlib.Path]:
    """Write the tree; return the Python modules the lint analyses."""
    shutil.copytree(EXAMPLE, directory, dirs_exist_ok=True)
    rng = random.Random(12)
    sources = _stdlib_modules()
    picked = sources[:: max(1, len(sources) // MODULES)][:MODULES]
    modules = []
    for n, source in enumerate(picked):
        target = directory / "app_pkg" / f"p{n // 50}" / f"m{n}_{source.stem}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        modules.append(target)
    for n in range(IMAGES):
        target = directory / "static" / "img" / f"i{n}.{'png' if n % 2 else 'jpg'}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rng.randbytes(rng.randint(150_000, 260_000)))
    site = pathlib.Path(sysconfig.get_paths()["purelib"])
    copied = 0
    for source in sorted(site.rglob("*.py")):
        if copied >= VENV_BYTES:
            break
        target = directory / "venv" / "lib" / "site-packages" / source.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied += source.stat().st_size
    return modules + [p for p in directory.rglob("*.py") if "venv" not in p.parts and p not in modules]


def run(command: list[str], cwd: pathlib.Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS of this child in MB (from wait4's rusage), and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _pid, _status, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above
        seconds = time.perf_counter() - start
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def main(keep: str | None) -> None:
    tmp = pathlib.Path(keep or tempfile.mkdtemp(prefix="dc-bench-"))
    repo = tmp / "repo"
    if not repo.exists():
        modules = make_tree(repo)
    else:
        modules = [p for p in repo.rglob("*.py") if "venv" not in p.relative_to(repo).parts]
    size = sum(p.stat().st_size for p in modules)
    print(f"tree: {len(modules)} Python modules ({size / 1e6:.1f} MB), {IMAGES} images, a venv/; at {repo}")
    out_zip = tmp / "out.zip"
    samples: dict[str, list[float]] = {"lint+zip": [], "lint": [], "zip -r": [], "ast.parse": []}
    peaks: dict[str, list[float]] = {"lint+zip": [], "lint": []}
    for _ in range(3):
        out_zip.unlink(missing_ok=True)
        seconds, peak, _out = run(CLI + [str(repo), "--skip-build", "--format", "json", "--zip", str(out_zip)])
        samples["lint+zip"].append(seconds)
        peaks["lint+zip"].append(peak)
        seconds, peak, _out = run(CLI + [str(repo), "--skip-build", "--format", "json"])
        samples["lint"].append(seconds)
        peaks["lint"].append(peak)
        zipped = tmp / "zip-r.zip"
        zipped.unlink(missing_ok=True)
        seconds, _peak, _out = run(["zip", "-qr", str(zipped), ".", *ZIP_EXCLUDES], cwd=repo)
        samples["zip -r"].append(seconds)
        _seconds, _peak, out = run([sys.executable, "-c", PARSE_ALL, *map(str, modules)])
        samples["ast.parse"].append(float(out.strip() or "nan"))
    median = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in median.items():
        print(f"{name:>10}: {value:6.2f} s")
    for name, values in peaks.items():
        print(f"{name:>10}: peak {max(values):6.0f} MB (ru_maxrss)")
    print(f"lint+zip / zip -r   = {median['lint+zip'] / median['zip -r']:.2f}  (target <= 1.5)")
    print(f"lint / ast.parse    = {median['lint'] / median['ast.parse']:.2f}  (target <= 1.0)")
    if not keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(arguments[1] if arguments[:1] == ["--keep"] else None)
