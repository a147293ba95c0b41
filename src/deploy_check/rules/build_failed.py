"""docker build failed.

## Why it breaks on Niblit
Niblit builds the image from your Dockerfile before anything runs; a build
that fails here fails there too. The finding sits on the Dockerfile
instruction that failed or, when pip could not install a package ("No
matching distribution found for X", a wheel that does not build), on the
requirements.txt line of that package, and carries the last lines of the
build log.

## How to fix
Read the log lines in the finding. For pip: check the name and version on
PyPI and that the version supports Python 3.12 on Linux; packages that
compile C code may need a version with a prebuilt wheel.

## Example
Bad (requirements.txt):

```text
flask==3.0.3
gunicorn==22.0.0
flsk==1.0
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
```
"""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("build-failed", severity="error", doc=__doc__)
