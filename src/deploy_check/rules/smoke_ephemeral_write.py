"""The running app wrote files outside /data, which Niblit resets on redeploy.

## Why it breaks on Niblit
Only /data survives a redeploy. Files the app writes under /app (a database
next to the code, an uploads folder, a JSON "store") are gone the next time
you ship. Found with `docker diff` after the smoke paths were hit; Python's
bytecode caches, /tmp and gunicorn's own files are not counted.

What `docker diff` cannot see is read inside the running container: files
written under a `VOLUME` the image declares (a drifted Dockerfile's; Niblit keeps
only /data, so they are lost too) and an SQLite database created anywhere but
DATABASE_PATH (in the working directory, /tmp or a VOLUME), reported with its
path. Writes to /tmp and /var/tmp are scratch space: fine, and only listed in the
JSON report (`smoke.persistence.scratch_writes`).

## How to fix
Write everything that must persist under /data: the database at
DATABASE_PATH, uploads in /data/uploads.

## Example
Bad:

```python
with open("visits.json", "w") as f:  # /app/visits.json
    json.dump(visits, f)
```

Good:

```python
with open("/data/visits.json", "w") as f:
    json.dump(visits, f)
```
"""
from __future__ import annotations

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.observed import Stored
from deploy_check.rules.base import Rule

RULE = Rule("smoke-ephemeral-write", severity="error", doc=__doc__)

SHOWN = 10


def judge(writes: list[str]) -> list[Finding]:
    """What the stopped container wrote outside /data (`docker diff`, caches already left out)."""
    if not writes:
        return []
    more = f" and {len(writes) - SHOWN} more" if len(writes) > SHOWN else ""
    return [RULE.finding(
        f"the app wrote outside {spec.DATA_DIR}, which is reset on redeploy: {', '.join(writes[:SHOWN])}{more}",
        hint=f"write persistent files under {spec.DATA_DIR} ({spec.DATABASE_PATH_VARIABLE}, {spec.UPLOADS_DIR})")]


# Scratch space: writing there is fine, keeping data there is not.
SCRATCH = ("/tmp", "/var/tmp")


def databases_elsewhere(stored: Stored | None, volumes: list[str]) -> list[str]:
    """SQLite databases the run wrote outside the persistent disk: in the working directory,
    in scratch space, or in a VOLUME of the image."""
    if stored is None:
        return []
    found = set(stored.databases_elsewhere)
    for root in (*SCRATCH, *volumes):
        found.update(path for path, item in stored.written(root).items() if item.tables is not None)
    return sorted(path for path in found if not spec.under_data(path))


def judge_hidden(stored: Stored | None, volumes: list[str]) -> list[Finding]:
    """What `docker diff` does not show: a database created elsewhere than DATABASE_PATH (its
    path named), and files written under the image's VOLUMEs, which Niblit does not keep."""
    if stored is None:
        return []
    found = [RULE.finding(
        f"an SQLite database was created at {path}, not at {spec.DATABASE_PATH_VARIABLE} ({spec.DATABASE_PATH}): "
        "its data is lost on every redeploy",
        hint=f"open the database at {spec.DATABASE_PATH_READ}") for path in databases_elsewhere(stored, volumes)]
    databases = set(databases_elsewhere(stored, volumes))
    for volume in volumes:
        written = sorted(path for path in stored.written(volume) if path not in databases)
        if written:
            more = f" and {len(written) - SHOWN} more" if len(written) > SHOWN else ""
            found.append(RULE.finding(
                f"the app wrote under {volume}, a VOLUME of the image that `docker diff` does not show and Niblit "
                f"does not keep (only {spec.DATA_DIR} survives a redeploy): {', '.join(written[:SHOWN])}{more}",
                hint=f"write it under {spec.DATA_DIR}, and drop the VOLUME (the template declares none)"))
    return found
