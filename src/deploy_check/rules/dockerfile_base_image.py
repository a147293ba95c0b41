"""The Dockerfile does not build FROM python:3.12-slim.

## Why it breaks on Niblit
Niblit's builder expects the template's base image, `python:3.12-slim`. Another
base (Alpine, a full Debian image, an older Python) changes which wheels pip can
install, the image's size and the Python version the app runs on; a
multi-stage build is not the template either.

## How to fix
Start the Dockerfile with `FROM python:3.12-slim`, as the spec's template does.

## Example
Bad:

```dockerfile
FROM python:3.9-alpine
```

Good:

```dockerfile
FROM python:3.12-slim
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.parsing import dockerfile
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-base-image", severity="error", doc=__doc__, fix="safe")
EXPECTED = spec.BASE_IMAGE
# The same image as Docker Hub's other spellings name it.
_EQUIVALENT = {EXPECTED, f"docker.io/library/{EXPECTED}", f"library/{EXPECTED}", f"docker.io/{EXPECTED}"}


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error:
        return
    froms = parsed.of("FROM")
    if not froms:
        yield RULE.finding(
            f"the Dockerfile has no FROM: Niblit builds FROM {EXPECTED}",
            dockerfile.Instruction("FROM", (), (), False, "", 1, 1).location(),
            hint=f"start the Dockerfile with `FROM {EXPECTED}`",
        )
        return
    first = froms[0]
    image = first.value[0] if first.value else ""
    if image.lower() not in _EQUIVALENT or first.flags:
        shown = image or "(nothing)"
        yield RULE.finding(
            f"FROM {shown}: Niblit's template builds FROM {EXPECTED}",
            first.location(project.line(dockerfile.PATH, first.line), image or None),
            hint=f"use `FROM {EXPECTED}` exactly" + (" (no --platform or other flags)" if first.flags else ""),
        )
