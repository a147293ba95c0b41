"""The upload zip is too big for the tier's storage.

## Why it breaks on Niblit
Each tier has a storage quota (1 GB free and pro, 5 GB team) and the
upload has to fit in it. Statically, deploy-check adds up the files the zip
will contain (the spec's zip command's exclusions applied). Text and code
shrink a lot in a zip, so their size proves nothing; files that are already
compressed (images, video, archives, wheels, fonts, PDFs) do not shrink, so
they alone give a lower bound of the zip's size: this rule reports when that
bound exceeds the quota (error) or 80% of it (warning). The exact check runs
when `--zip` writes the zip.

## How to fix
Keep large media and datasets out of the repository: serve them from a CDN
or object storage, or create them at runtime under /data. Delete archives
and wheels that were committed by accident.

## Example
Bad:
```text
static/videos/intro.mp4     900 MB
```
Good:
```html
<video src="https://cdn.example.com/intro.mp4"></video>
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.project import Project
from deploy_check.rules.base import Rule
from deploy_check.rules.base import Settings
from deploy_check.upload_set import included

RULE = Rule("upload-size", severity="error", doc=__doc__)
SETTINGS = True  # the tier's storage

WARN_RATIO = 0.8

# Formats that are compressed already: zip's deflate cannot shrink them.
INCOMPRESSIBLE = (
    ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4", ".br",
    ".whl", ".egg", ".jar",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic",
    ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac",
    ".woff", ".woff2", ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".epub",
)


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.1f} MB"


def check(project: Project, settings: Settings) -> Iterator[Finding]:
    """Before any zip: the already-compressed files alone against the tier's storage."""
    limit = settings.tier.storage_bytes
    files = [f for f in project.files if included(f.path)]
    incompressible = [f for f in files if f.path.lower().endswith(INCOMPRESSIBLE)]
    floor = sum(f.size for f in incompressible)
    if floor <= limit * WARN_RATIO:
        return  # text compresses by an unknown amount: cannot decide here
    biggest = max(incompressible, key=lambda f: (f.size, f.path))
    severity = "error" if floor > limit else "warning"
    verdict = "exceeds" if floor > limit else "is above 80% of"
    yield RULE.finding(
        f"already-compressed files alone ({len(incompressible)} files, {_mb(floor)}) "
        f"{verdict} the tier's {_mb(limit)} storage; the largest is {biggest.path} "
        f"({_mb(biggest.size)})",
        at=Location(biggest.path),
        hint="move large media, archives and datasets out of the repository "
        "(a CDN or object storage), or choose a tier with more storage",
        severity=severity,
    )


def judge_zip(size: int, tier: spec.Tier) -> list[Finding]:
    """The zip as written, against the tier's storage."""
    mb, limit = spec.MIB, tier.storage_bytes
    if size > limit:
        return [RULE.finding(
            f"the zip is {size / mb:.0f} MB, over the {tier.name} tier's {limit // mb} MB of storage",
            hint="leave large data out of the repository (or use a bigger tier)")]
    if size > WARN_RATIO * limit:
        return [RULE.finding(f"the zip is {size / mb:.0f} MB, {size / limit:.0%} of the {tier.name} tier's storage",
                             severity=Severity.WARNING)]
    return []
