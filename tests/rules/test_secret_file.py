from __future__ import annotations

import os
import pathlib

import pytest

from deploy_check.rules import secret_file
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

R = "secret-file"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".env": "SECRET_KEY=abc\n"}, [(R, ".env", None)]),
        ({"config/.env": "X=1\n"}, [(R, "config/.env", None)]),
        ({".env.production": "X=1\n"}, [(R, ".env.production", None)]),
        ({".env.local": "", "app.py": ""}, [(R, ".env.local", None)]),
        ({".ENV": "X=1\n"}, [(R, ".ENV", None)]),
        # templates document variables: not this rule's business
        ({".env.example": "X=\n", ".env.sample": "", ".env.template": "", ".env.dist": "",
          ".env.local.example": ""}, []),
        # look-alikes that are not .env files
        ({".envrc": "", "env.py": "", ".env.": "", "my.env": "", "venv.txt": ""}, []),
        ({"app.py": "import os\n"}, []),
    ],
)
def test_secret_file(tmp_path: pathlib.Path, files: dict[str, str], expected: list) -> None:
    make_repo(tmp_path, files)
    assert places(secret_file, tmp_path) == expected


def test_env_symlinked_outside_is_reported_without_reading(tmp_path: pathlib.Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real.env").write_text("SECRET=topsecretvalue\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside / "real.env", repo / ".env")
    from deploy_check.project import Project

    findings = list(secret_file.check(Project(str(repo))))
    assert [(f.path, f.line) for f in findings] == [(".env", None)]
    assert all("topsecretvalue" not in f.message for f in findings)
