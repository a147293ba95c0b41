"""requirements.txt installs a driver for an external database (PostgreSQL, MySQL, MongoDB, Redis, ...).

## Why it breaks on Niblit
Niblit apps use SQLite only, stored at /data/app.db; there is no database
server to connect to and no outbound database traffic. A driver for
PostgreSQL, MySQL/MariaDB, SQL Server, Oracle or MongoDB means the app expects
one, and some of them (psycopg2, mysqlclient) also need system libraries the
template's image does not have, so the build fails.

A client for another datastore that a compose file would start beside the
app (Redis, RQ, RabbitMQ, Memcached, Elasticsearch, OpenSearch) is a warning:
Niblit runs nothing beside the app, so the client has nothing to talk to, but
installing it breaks nothing by itself and some apps only use it when a
variable is set. Code that connects to one is `database-external`, an error.

## How to fix
Use Python's built-in `sqlite3` (or SQLAlchemy with `sqlite:////data/app.db`)
and remove the driver from requirements.txt.

## Example
Bad:

```text
flask==3.0.3
gunicorn==22.0.0
psycopg2-binary==2.9.9
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-external-db", severity="error", doc=__doc__)

DRIVERS = {
    # PostgreSQL
    "psycopg2": "PostgreSQL", "psycopg2-binary": "PostgreSQL", "psycopg": "PostgreSQL",
    "psycopg-binary": "PostgreSQL", "psycopg-c": "PostgreSQL", "asyncpg": "PostgreSQL",
    "pg8000": "PostgreSQL", "aiopg": "PostgreSQL", "py-postgresql": "PostgreSQL",
    "flask-psycopg2": "PostgreSQL",
    # MySQL / MariaDB
    "mysqlclient": "MySQL", "pymysql": "MySQL", "mysql-connector-python": "MySQL",
    "mysql-connector": "MySQL", "mysql-python": "MySQL", "aiomysql": "MySQL", "asyncmy": "MySQL",
    "mariadb": "MariaDB", "flask-mysqldb": "MySQL", "flask-mysql": "MySQL",
    # SQL Server / Oracle / DB2
    "pyodbc": "SQL Server (ODBC)", "pymssql": "SQL Server", "aioodbc": "SQL Server (ODBC)",
    "cx-oracle": "Oracle", "oracledb": "Oracle", "ibm-db": "IBM Db2",
    # Document and wide-column stores
    "pymongo": "MongoDB", "motor": "MongoDB", "mongoengine": "MongoDB", "flask-pymongo": "MongoDB",
    "flask-mongoengine": "MongoDB", "cassandra-driver": "Cassandra", "couchdb": "CouchDB",
    "neo4j": "Neo4j", "pyarango": "ArangoDB", "python-arango": "ArangoDB",
    "clickhouse-driver": "ClickHouse", "snowflake-connector-python": "Snowflake",
    "google-cloud-firestore": "Firestore", "firebase-admin": "Firebase", "supabase": "Supabase (PostgreSQL)",
    "google-cloud-datastore": "Google Cloud Datastore", "google-cloud-ndb": "Google Cloud Datastore",
    "azure-cosmos": "Azure Cosmos DB", "pynamodb": "DynamoDB", "edgedb": "EdgeDB", "gel": "EdgeDB",
}
# Clients of datastores other than database servers: a warning (see the rule's page).
SERVICE_CLIENTS = {
    "redis": "Redis", "hiredis": "Redis", "aioredis": "Redis", "redis-py-cluster": "Redis", "flask-redis": "Redis",
    "rq": "Redis (RQ)", "flask-rq2": "Redis (RQ)", "pika": "RabbitMQ", "aio-pika": "RabbitMQ",
    "elasticsearch": "Elasticsearch", "elasticsearch-dsl": "Elasticsearch", "opensearch-py": "OpenSearch",
    "pymemcache": "Memcached", "python-memcached": "Memcached", "pylibmc": "Memcached",
}


def check(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None:
        return
    for requirement in parsed.requirements:
        if not requirement.applies:
            continue
        service = SERVICE_CLIENTS.get(requirement.name or "")
        if service is not None:
            yield RULE.finding(
                f"{requirement.name} is a {service} client: Niblit runs the app alone, with no {service} beside it",
                Location(requirement.path, requirement.line), severity=Severity.WARNING,
                hint="remove it, or keep it only for code that can run without the service",
            )
            continue
        database = DRIVERS.get(requirement.name or "")
        if database is None:
            continue
        yield RULE.finding(
            f"{requirement.name} is a {database} driver: Niblit apps use SQLite only (no database server)",
            Location(requirement.path, requirement.line),
            hint=f"use sqlite3 with {spec.DATABASE_PATH_VARIABLE} ({spec.DATABASE_PATH}) and remove the driver",
        )
