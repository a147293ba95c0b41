"""scripts/ensure-docker takes the Debian mirror from this machine's apt sources, never a hard-coded host."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "ensure-docker"
DEB822 = """Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://main.example/debian http://second.example/debian
Suites: bookworm bookworm-updates
Components: main
"""
LIST = """# a comment
deb-src http://src.example/debian bookworm main
deb http://security.example/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://list.example/debian bookworm main
"""


def mirror(tmp_path, deb822: str | None, listing: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, APT_SOURCES=str(tmp_path / "debian.sources"), APT_SOURCES_LIST=str(tmp_path / "sources.list"))
    for name, text in (("debian.sources", deb822), ("sources.list", listing)):
        if text is not None:
            (tmp_path / name).write_text(text)
    return subprocess.run(["bash", str(SCRIPT), "--print-mirror"], capture_output=True, text=True, env=env, timeout=30)


@pytest.mark.parametrize(
    "deb822, listing, expected",
    [
        (DEB822, LIST, "http://main.example/debian"),
        (None, LIST, "http://list.example/debian"),
        ("Types: deb\nURIs: http://only-security.example/x\nSuites: bookworm-security\n", LIST,
         "http://list.example/debian"),
    ],
)
def test_the_mirror_comes_from_the_apt_sources(tmp_path, deb822, listing, expected):
    result = mirror(tmp_path, deb822, listing)
    assert (result.returncode, result.stdout.strip()) == (0, expected), result.stderr


def test_no_mirror_is_one_clear_line(tmp_path):
    result = mirror(tmp_path, None, None)
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "apt sources" in result.stderr


def test_no_debian_host_is_written_in_the_scripts():
    for script in (ROOT / "scripts").iterdir():
        if script.is_file():
            assert "deb.debian.org" not in script.read_text(errors="replace"), script
