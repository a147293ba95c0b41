"""What the app stored, read inside its running container: the persistent disk, the image's
VOLUMEs (which `docker diff` does not show, and Niblit does not keep), /tmp, and SQLite
databases written anywhere in its working directory. Taken after the first run and after the
second start on the same /data; rules/smoke_restart.py and smoke_ephemeral_write.py judge it.
"""
from __future__ import annotations

import json
from typing import Any

from deploy_check import spec
from deploy_check.observed import Stored
from deploy_check.observed import StoredFile
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.runtime import in_image

SCRATCH = smoke_ephemeral_write.SCRATCH
MAX_OUTPUT = 4 * 1024 * 1024


def image_layout(config: dict[str, Any]) -> tuple[list[str], str]:
    """The image's VOLUME paths other than the persistent disk (a drifted Dockerfile's), and
    its working directory, from its config (`Config` of `docker image inspect`)."""
    volumes = sorted(str(path).rstrip("/") or "/" for path in (config.get("Volumes") or {})
                     if not spec.under_data(str(path).rstrip("/")))
    return volumes, str(config.get("WorkingDir") or spec.APP_DIR)


def take(container: Any, volumes: list[str], workdir: str, since: float) -> Stored | None:
    """Walk the roots inside the running container with its own Python (isolated mode: the
    app's modules cannot shadow the standard library's); None when that cannot run."""
    asked = {"roots": [spec.DATA_DIR, *volumes, *SCRATCH], "search": [workdir], "since": since}
    for python in ("python", "python3"):
        try:
            result = container.exec_run([python, "-I", "-c", in_image.source("snapshot"), json.dumps(asked)],
                                        stdout=True, stderr=False)
        except Exception:  # noqa: BLE001 - the container stopped
            return None
        output = result.output if hasattr(result, "output") else result[1]
        if isinstance(output, bytes) and in_image.MARK.encode() in output[:MAX_OUTPUT]:
            return parse(output[:MAX_OUTPUT].decode("utf-8", "replace"), since)
    return None


def parse(text: str, since: float) -> Stored | None:
    line = next((line for line in reversed(text.splitlines()) if line.startswith(in_image.MARK)), None)
    if line is None:
        return None
    try:
        data = json.loads(line[len(in_image.MARK):])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    roots = {str(root): _files(files) for root, files in (data.get("roots") or {}).items()}
    return Stored(roots, _files(data.get("found")), since)


def _files(raw: object) -> dict[str, StoredFile]:
    files = {}
    for path, item in (raw.items() if isinstance(raw, dict) else ()):
        if not isinstance(item, dict):
            continue
        size, mtime, tables = item.get("size"), item.get("mtime"), item.get("tables")
        if not isinstance(size, int) or not isinstance(mtime, (int, float)):
            continue
        counts = None
        if isinstance(tables, dict):
            counts = {str(k)[:100]: (v if isinstance(v, int) else None) for k, v in list(tables.items())[:100]}
        files[str(path)[:500]] = StoredFile(size, float(mtime), counts)
    return files


def to_json(first: Stored | None, second: Stored | None, volumes: list[str]) -> dict[str, Any]:
    """smoke.persistence: the database at DATABASE_PATH and its tables after each start, what
    else the app keeps on /data, and what it wrote where nothing is kept."""
    def database(stored: Stored | None) -> dict[str, int | None] | None:
        item = stored.under(spec.DATA_DIR).get(spec.DATABASE_PATH) if stored else None
        return item.tables if item else None

    out: dict[str, Any] = {"database_path": spec.DATABASE_PATH, "tables": database(first),
                           "tables_after_restart": database(second)}
    if first is not None:
        out["data_files"] = sorted(first.under(spec.DATA_DIR))
        out["databases_elsewhere"] = sorted(first.databases_elsewhere)
        out["volume_writes"] = sorted(p for v in volumes for p in first.written(v))
        out["scratch_writes"] = sorted(p for root in SCRATCH for p in first.written(root))
    return out
