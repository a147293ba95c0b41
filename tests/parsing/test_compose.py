from __future__ import annotations

import pytest

from deploy_check.parsing import compose
from deploy_check.project import Project
from deploy_check.rules import database_external
from tests.rules.helpers import make_repo

COMPOSE = """services:
  web:
    build: .
    ports: ["8000:5000"]
  db:
    image: "postgres:14-alpine"
  cache:
    image: redis
  queue:
    image: docker.io/library/rabbitmq:3-management@sha256:abc
"""


def test_services_of_a_compose_file_with_their_lines(tmp_path):
    make_repo(tmp_path, {"docker-compose.yml": COMPOSE, "docker-compose.dev.yml": "services:\n  m:\n    image: mongo\n"})
    found = [(s.path, s.name, s.image, s.line) for s in compose.services(Project(str(tmp_path)))]
    assert found == [("docker-compose.yml", "web", None, 2), ("docker-compose.yml", "db", "postgres:14-alpine", 6),
                     ("docker-compose.yml", "cache", "redis", 8),
                     ("docker-compose.yml", "queue", "docker.io/library/rabbitmq:3-management@sha256:abc", 10),
                     ("docker-compose.dev.yml", "m", "mongo", 3)]


def test_each_datastore_beside_the_app_is_a_notice(tmp_path):
    make_repo(tmp_path, {"docker-compose.yml": COMPOSE})
    found = [(f.path, f.line, f.severity.value) for f in database_external.check(Project(str(tmp_path)))]
    assert found == [("docker-compose.yml", 6, "notice"), ("docker-compose.yml", 8, "notice"),
                     ("docker-compose.yml", 10, "notice")]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000,  # nesting that exhausts the composer's recursion
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nservices: [*c, *c, *c]\n",  # aliases ("billion laughs")
        "services: !!python/object/apply:os.system ['true']\n",  # not for the safe loader
        "services:\n  - just\n  - a list\n",
        "\tnot: yaml: at: all:\n",
        "services:\n  web:\n    image: " + "x" * (compose.MAX_BYTES + 1) + "\n",  # too big to read
    ],
)
def test_hostile_compose_files_give_no_services_and_no_traceback(tmp_path, text):
    make_repo(tmp_path, {"docker-compose.yml": text})
    assert compose.services(Project(str(tmp_path))) == []


@pytest.mark.parametrize(
    "service",
    [
        "    build: {context: [x]}\n    ports: {a: b}\n    environment: [1, {x: y}, '=v', 'A B=1']\n    command: {a: 1}\n",
        "    build: null\n    ports: [[1], {target: x}, {published: 80}, ':', '99999:99999', '-1']\n    expose: null\n",
        "    build: .\n    ports: [" + ", ".join(["'8000'"] * 5000) + "]\n    environment: {" +
        ", ".join(f"V{i}: x" for i in range(5000)) + "}\n",
        "    build: .\n    command: \"gunicorn 'unclosed\"\n    entrypoint: ['a', [b], {c: d}]\n",
    ],
)
def test_odd_service_entries_are_read_within_bounds(tmp_path, service):
    make_repo(tmp_path, {"docker-compose.yml": "services:\n  web:\n" + service})
    (found,) = compose.services(Project(str(tmp_path)))
    assert len(found.ports) <= compose.MAX_ENTRIES and len(found.environment) <= compose.MAX_ENTRIES
    assert all(0 < port.container < 65536 for port in found.ports)
    assert all(" " not in variable.name and variable.name for variable in found.environment)
