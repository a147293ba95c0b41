"""The Niblit.ai Flask deployment spec as data: every fact of it the checks rely on, spelled once.

The source is Niblit's "Deployment Spec: Python + Flask" (its Dockerfile template,
environment, /data rules, zip command and resource limits). Rules, the runtime,
the zip and the reports import these names; a test fails when one of these
literals appears anywhere else in `src/` (docstrings, the user docs, aside).
This module imports nothing of the project: it is the bottom layer.
"""
from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Mapping

# -- the app and the container ----------------------------------------------------------

PORT = 5000
# gunicorn's bind in the template's CMD: every address, port 5000.
BIND = f"0.0.0.0:{PORT}"
BASE_IMAGE = "python:3.12-slim"
# The Python versions the spec allows ("Python 3.11 or 3.12"); a pin a fix writes uses the last.
PYTHON_VERSIONS = ("3.11", "3.12")
# The template's WORKDIR: where the zip's files are in the image.
APP_DIR = "/app"
# The files the spec's project structure requires at the root.
DOCKERFILE_NAME = "Dockerfile"
REQUIREMENTS = "requirements.txt"
APP_FILE = "app.py"
# What requirements.txt must include ("must include flask and gunicorn").
REQUIRED_PACKAGES = ("flask", "gunicorn")
# The WSGI target gunicorn loads: the module-level `app` of app.py.
APP_TARGET = "app:app"
WORKERS = 2

# -- persistent storage ------------------------------------------------------------------

# The only directory that survives restarts and redeploys.
DATA_DIR = "/data"
DATABASE_PATH = f"{DATA_DIR}/app.db"
UPLOADS_DIR = f"{DATA_DIR}/uploads"


def under_data(path: str) -> bool:
    """Is the absolute, normalised `path` on the persistent disk?"""
    return path == DATA_DIR or path.startswith(DATA_DIR + "/")


# -- the environment Niblit sets ---------------------------------------------------------

PORT_VARIABLE = "PORT"
FLASK_ENV_VARIABLE = "FLASK_ENV"
DATABASE_PATH_VARIABLE = "DATABASE_PATH"
FLASK_ENV = "production"
ENVIRONMENT: Mapping[str, str] = types.MappingProxyType({
    PORT_VARIABLE: str(PORT),
    FLASK_ENV_VARIABLE: FLASK_ENV,
    DATABASE_PATH_VARIABLE: DATABASE_PATH,
})
ENVIRONMENT_NAMES = frozenset(ENVIRONMENT)
# The three as the spec's "Environment Variables" section lists them (what messages name).
ENVIRONMENT_LISTED = (PORT_VARIABLE, DATABASE_PATH_VARIABLE, FLASK_ENV_VARIABLE)
# The spec's own example of reading it (its "Example database setup").
DATABASE_PATH_READ = f'os.environ.get("{DATABASE_PATH_VARIABLE}", "{DATABASE_PATH}")'

# -- the Dockerfile template --------------------------------------------------------------

TEMPLATE_CMD = ("gunicorn", "--bind", BIND, "--workers", str(WORKERS), APP_TARGET)
# The CMD as the template writes it (exec form).
TEMPLATE_CMD_JSON = json.dumps(list(TEMPLATE_CMD))
# The template's instructions between FROM and the ENV lines, in order (dockerfile-template's).
TEMPLATE_INSTRUCTIONS = (
    f"WORKDIR {APP_DIR}",
    f"COPY {REQUIREMENTS} .",
    f"RUN pip install --no-cache-dir -r {REQUIREMENTS}",
    "COPY . .",
    f"RUN mkdir -p {DATA_DIR}",
)
# The spec's Dockerfile, exactly as it gives it ("use this EXACTLY"), comments included:
# what fixes write and the template build uses.
DOCKERFILE = f"""\
FROM {BASE_IMAGE}

WORKDIR {APP_DIR}

# Install dependencies first (better caching)
COPY {REQUIREMENTS} .
RUN pip install --no-cache-dir -r {REQUIREMENTS}

# Copy application code
COPY . .

# Create data directory for persistent storage
RUN mkdir -p {DATA_DIR}

# Environment variables
ENV {PORT_VARIABLE}={PORT}
ENV {FLASK_ENV_VARIABLE}={FLASK_ENV}
ENV {DATABASE_PATH_VARIABLE}={DATABASE_PATH}

EXPOSE {PORT}

# Run with gunicorn for production
CMD {TEMPLATE_CMD_JSON}
"""

# -- resource limits -----------------------------------------------------------------------

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclasses.dataclass(frozen=True)
class Tier:
    """One of Niblit's plans, as its "Resource Limits" state it."""

    name: str
    memory_bytes: int
    storage_bytes: int
    cpus: float  # "shared CPU" counts as one
    # The promised wake-up time of an app that sleeps when idle, (low, high) seconds; None: never sleeps.
    cold_start_seconds: tuple[float, float] | None = None


TIERS: Mapping[str, Tier] = types.MappingProxyType({
    "free": Tier("free", 256 * MIB, 1 * GIB, 1.0, cold_start_seconds=(3.0, 5.0)),
    "pro": Tier("pro", 512 * MIB, 1 * GIB, 1.0),
    "team": Tier("team", 1 * GIB, 5 * GIB, 2.0),
})
TIER_NAMES = tuple(TIERS)
DEFAULT_TIER = TIER_NAMES[0]


def tier(name: str) -> Tier:
    """The tier called `name` (a KeyError for an unknown one: names are validated on input)."""
    return TIERS[name]


def next_tier_with_more_memory(memory_bytes: int) -> Tier | None:
    """The smallest tier with more memory than `memory_bytes`, if any."""
    return next((t for t in TIERS.values() if t.memory_bytes > memory_bytes), None)


# -- the upload zip -------------------------------------------------------------------------

# The spec's "Creating the Upload Zip" command, pattern by pattern (zip's `*` crosses `/`).
ZIP_EXCLUDE_PATTERNS = ("*.git*", "__pycache__/*", "*.pyc", ".env", "venv/*", ".venv/*", "data/*")
ZIP_COMMAND = "zip -r my-app.zip . " + " ".join(f'-x "{pattern}"' for pattern in ZIP_EXCLUDE_PATTERNS)
# "What NOT to include": directories the upload must not contain, wherever they are.
FORBIDDEN_DIRS = ("node_modules", "__pycache__", ".git", "venv", ".venv")
# Directories the zip command leaves out only at the root (`data/*`).
ZIP_EXCLUDED_TOP_DIRS = ("data",)
# "No .env files (will be rejected)".
SECRET_FILE = ".env"
