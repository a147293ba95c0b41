"""Run in the app's running container as `python -I -c <this> <json>`: what lies under the given
roots (the persistent disk, the image's VOLUMEs, /tmp), which files are SQLite databases and
their tables with row counts, and the SQLite databases written since `since` under `search`
(the working directory). Prints one line, MARK + JSON; bounded in files, depth and tables.
"""
import json
import os
import sqlite3
import stat
import sys

MARK = "@@deploy-check@@"
MAX_FILES = 2000
MAX_DEPTH = 12
MAX_TABLES = 100
SKIPPED = {"__pycache__", "site-packages", "dist-packages", "node_modules", ".git", ".venv", "venv"}
SQLITE_HEADER = b"SQLite format 3\x00"


def walk(root, found, only_since=None):
    stack = [(root, 0)]
    while stack and len(found) < MAX_FILES:
        directory, depth = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if len(found) >= MAX_FILES:
                break
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if depth < MAX_DEPTH and entry.name not in SKIPPED:
                    stack.append((entry.path, depth + 1))
            elif stat.S_ISREG(info.st_mode) and (only_since is None or info.st_mtime >= only_since):
                found[entry.path] = {"size": info.st_size, "mtime": info.st_mtime, "tables": tables(entry.path)}


def tables(path):
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                return None
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            names = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT ?", (MAX_TABLES,))]
            counts = {}
            for name in names:
                try:
                    counts[name] = db.execute('SELECT count(*) FROM "%s"' % name.replace('"', '""')).fetchone()[0]
                except sqlite3.Error:
                    counts[name] = None
            return counts
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return {}


def main():
    asked = json.loads(sys.argv[1])
    result = {"roots": {}, "found": {}}
    for root in asked.get("roots", []):
        found = {}
        walk(root, found)
        result["roots"][root] = found
    for root in asked.get("search", []):
        found = {}
        walk(root, found, only_since=asked.get("since"))
        result["found"].update({path: item for path, item in found.items() if item["tables"] is not None})
    sys.stdout.write(MARK + json.dumps(result) + "\n")


main()
