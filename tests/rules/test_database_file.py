from __future__ import annotations

import os
import pathlib

import pytest

from deploy_check.rules import database_file
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

R = "database-file"
SQLITE = b"SQLite format 3\x00" + bytes(84)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"instance/app.db": SQLITE}, [(R, "instance/app.db", None)]),
        ({"site.sqlite3": SQLITE, "db.SQLITE": SQLITE}, [(R, "db.SQLITE", None), (R, "site.sqlite3", None)]),
        # data/ is left out of the zip: a local database belongs there
        ({"data/app.db": SQLITE}, []),
        # only SQLite files named like databases
        ({"empty.db": b"", "notes.db": b"just text\n", "schema.sql": b"CREATE TABLE x (id);\n"}, []),
        ({"backup.bin": SQLITE}, []),
    ],
)
def test_database_file(tmp_path: pathlib.Path, files: dict[str, bytes], expected: list) -> None:
    make_repo(tmp_path, files)
    assert places(database_file, tmp_path) == expected


def test_symlink_to_a_database_outside_is_not_read(tmp_path: pathlib.Path) -> None:
    outside = tmp_path / "outside.db"
    outside.write_bytes(SQLITE)
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "app.db")
    assert places(database_file, repo) == []
