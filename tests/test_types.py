"""The house style asks for type hints on all of src/: mypy keeps them honest."""
from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_src_type_checks():
    result = subprocess.run([sys.executable, "-m", "mypy", "src/deploy_check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
