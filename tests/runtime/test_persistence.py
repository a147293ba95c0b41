"""What the app stored, judged: kept across the second start, or written where nothing is kept."""
from __future__ import annotations

from deploy_check.observed import Stored
from deploy_check.observed import StoredFile
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.rules import smoke_restart
from deploy_check.runtime import in_image
from deploy_check.runtime import persistence

SINCE = 1000.0


def stored(data=None, elsewhere=None, **roots):
    all_roots = {"/data": data or {}, **{"/" + k.replace("_", "/"): v for k, v in roots.items()}}
    return Stored(all_roots, elsewhere or {}, SINCE)


def db(**tables):
    return StoredFile(4096, SINCE + 1, tables)


def test_the_same_tables_and_files_come_back():
    first = stored({"/data/app.db": db(notes=3), "/data/uploads/a.png": StoredFile(3, SINCE + 1)})
    assert smoke_restart.judge_persistence(first, first) == []
    assert smoke_restart.judge_persistence(first, None) == [] and smoke_restart.judge_persistence(None, first) == []


def test_lost_tables_rows_and_files():
    first = stored({"/data/app.db": db(notes=3, users=1), "/data/uploads/a.png": StoredFile(3, SINCE + 1),
                    "/data/app.db-journal": StoredFile(1, SINCE + 1)})
    second = stored({"/data/app.db": db(notes=0)})
    found = {(f.severity.value, f.message.split(":")[0]) for f in smoke_restart.judge_persistence(first, second)}
    assert found == {("error", "tables of /data/app.db lost on the second start"),
                     ("warning", "rows of /data/app.db lost on the second start"),
                     ("warning", "files under /data gone after the second start")}
    gone = smoke_restart.judge_persistence(first, stored({}))
    assert [f.message for f in gone if f.severity.value == "error"] == [
        "the database at /data/app.db is gone after the second start"]
    assert all(f.rule == "smoke-restart" for f in gone)


def test_databases_elsewhere_and_volume_writes():
    first = stored(elsewhere={"/app/store/notes.sqlite": db(notes=0)},
                   tmp={"/tmp/cache.txt": StoredFile(5, SINCE + 1), "/tmp/s.db": db(t=1),
                        "/tmp/old.db": StoredFile(5, SINCE - 50, {"t": 1})},
                   app_uploads={"/app/uploads/a.png": StoredFile(3, SINCE + 1),
                                "/app/uploads/from-image.png": StoredFile(3, SINCE - 100)})
    volumes = ["/app/uploads"]
    assert smoke_ephemeral_write.databases_elsewhere(first, volumes) == ["/app/store/notes.sqlite", "/tmp/s.db"]
    found = [f.message for f in smoke_ephemeral_write.judge_hidden(first, volumes)]
    assert found[0].startswith("an SQLite database was created at /app/store/notes.sqlite, not at DATABASE_PATH")
    assert found[1].startswith("an SQLite database was created at /tmp/s.db")
    assert "under /app/uploads, a VOLUME of the image" in found[2] and found[2].endswith(": /app/uploads/a.png")
    assert len(found) == 3  # /tmp/cache.txt is scratch; the image's own file is not a write


def test_the_in_image_output_is_parsed_bounded_and_checked():
    line = in_image.MARK + '{"roots": {"/data": {"/data/app.db": {"size": 1, "mtime": 2.5, "tables": {"t": 3}},' \
        ' "/data/x": {"size": "big"}}}, "found": {"/app/a.db": {"size": 1, "mtime": 3, "tables": {}}}}'
    got = persistence.parse("noise\n" + line + "\n", SINCE)
    assert got.under("/data") == {"/data/app.db": StoredFile(1, 2.5, {"t": 3})}
    assert got.databases_elsewhere == {"/app/a.db": StoredFile(1, 3.0, {})}
    assert persistence.parse("no mark here", SINCE) is None
    assert persistence.parse(in_image.MARK + "[1]", SINCE) is None
