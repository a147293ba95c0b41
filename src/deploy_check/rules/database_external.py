"""App code connects to a database server (PostgreSQL, MySQL, MongoDB, Redis, ...), not SQLite.

## Why it breaks on Niblit
Niblit apps use SQLite at /data/app.db. There is no database server to reach,
so a `postgresql://` URL, a non-SQLite `SQLALCHEMY_DATABASE_URI` or a driver's
`connect()` (also Cassandra's `Cluster()`, Neo4j's `GraphDatabase.driver()`,
EdgeDB's `create_client()`) fails at start or on the first request. Credentials in such URLs
are never repeated in the message. A URL read from the environment
(`os.environ["DATABASE_URL"]`) cannot be judged statically and is not
reported; its literal default is (`os.environ.get("REDIS_URL",
"redis://localhost:6379")`): Niblit does not set that variable, and no value
would help, since nothing else runs beside the app.

The same goes for the other datastores a compose file usually starts beside
the app: Redis (`redis.Redis(...)`, `redis://` URLs, a Flask-Caching, RQ or
Celery broker on Redis), RabbitMQ (`amqp://`, `pika`), Memcached,
Elasticsearch and OpenSearch. Niblit runs one container and nothing beside
it, so code that connects to one of them fails there: an error, like a
database server. (A requirement that only installs such a client is
`requirements-external-db`, a warning for these; a service a compose file
starts beside the app, read with PyYAML's safe loader, is a notice here.)
A database run as a cloud service (Google Cloud Datastore through
`ndb.Client()` or `datastore.Client()`, Firestore, Azure Cosmos DB) is an
external database too, which the spec rules out: an error, and its client
library in requirements.txt is `requirements-external-db`'s error. A scheme handed to a string
method, as in `url.replace("postgres://", "postgresql://")`, is not a
connection and not reported. Another framework's settings are not the app's: a stray Django project's
`settings.py` (a module with `INSTALLED_APPS` or `django` imports, or the one
`DJANGO_SETTINGS_MODULE` names) that the served app never imports is left alone.

## How to fix
Use SQLite at the path Niblit gives you:

    DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{DATABASE_PATH}"

## Example
Bad:

```python
app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://user:pw@db:5432/app"
conn = psycopg2.connect(host="db", dbname="app")
```

Good:

```python
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{DATABASE_PATH}"
```
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.parsing import compose
from deploy_check.parsing import frameworks
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("database-external", severity="error", doc=__doc__)

_URL = re.compile(
    r"^(?P<scheme>postgres(?:ql)?|mysql|mariadb|mssql|oracle|mongodb(?:\+srv)?|cockroachdb|redshift|db2|ibm_db_sa|"
    r"snowflake|clickhouse|rediss?|redis\+sentinel|amqps?|pyamqp|librabbitmq|memcached?)(?:\+[\w-]+)?://",
    re.IGNORECASE,
)
# What each URL scheme reaches, when it is not a database server.
_SERVICES = {"redis": "Redis", "rediss": "Redis", "redis+sentinel": "Redis", "amqp": "RabbitMQ", "amqps": "RabbitMQ",
             "pyamqp": "RabbitMQ", "librabbitmq": "RabbitMQ", "memcache": "Memcached", "memcached": "Memcached"}
_DRIVER_CONNECTS = {
    "psycopg2.connect": "PostgreSQL", "psycopg.connect": "PostgreSQL", "psycopg.AsyncConnection.connect": "PostgreSQL",
    "asyncpg.connect": "PostgreSQL", "asyncpg.create_pool": "PostgreSQL", "pg8000.connect": "PostgreSQL",
    "psycopg2.pool.SimpleConnectionPool": "PostgreSQL", "psycopg2.pool.ThreadedConnectionPool": "PostgreSQL",
    "pymysql.connect": "MySQL", "MySQLdb.connect": "MySQL", "mysql.connector.connect": "MySQL",
    "aiomysql.connect": "MySQL", "mariadb.connect": "MariaDB", "pyodbc.connect": "SQL Server (ODBC)",
    "pymssql.connect": "SQL Server", "cx_Oracle.connect": "Oracle", "oracledb.connect": "Oracle",
    "pymongo.MongoClient": "MongoDB", "motor.motor_asyncio.AsyncIOMotorClient": "MongoDB",
    "mongoengine.connect": "MongoDB", "flask_pymongo.PyMongo": "MongoDB", "flask_mysqldb.MySQL": "MySQL",
    # Other datastores: nothing runs beside the app on Niblit.
    "redis.Redis": "Redis", "redis.StrictRedis": "Redis", "redis.from_url": "Redis", "redis.Redis.from_url": "Redis",
    "redis.StrictRedis.from_url": "Redis", "redis.asyncio.Redis": "Redis", "redis.asyncio.from_url": "Redis",
    "redis.ConnectionPool": "Redis", "redis.cluster.RedisCluster": "Redis", "aioredis.from_url": "Redis",
    "flask_redis.FlaskRedis": "Redis", "pika.BlockingConnection": "RabbitMQ", "pika.SelectConnection": "RabbitMQ",
    "elasticsearch.Elasticsearch": "Elasticsearch", "opensearchpy.OpenSearch": "OpenSearch",
    "pymemcache.client.base.Client": "Memcached", "pymemcache.Client": "Memcached", "memcache.Client": "Memcached",
    "pylibmc.Client": "Memcached",
    # Databases run as a cloud service: reachable perhaps, but the spec allows no external database.
    "google.cloud.ndb.Client": "Google Cloud Datastore", "google.cloud.datastore.Client": "Google Cloud Datastore",
    "google.cloud.firestore.Client": "Firestore", "google.cloud.firestore.AsyncClient": "Firestore",
    "firebase_admin.firestore.client": "Firestore", "azure.cosmos.CosmosClient": "Azure Cosmos DB",
    "cassandra.cluster.Cluster": "Cassandra", "neo4j.GraphDatabase.driver": "Neo4j",
    "edgedb.create_client": "EdgeDB", "edgedb.create_async_client": "EdgeDB", "gel.create_client": "EdgeDB",
    "gel.create_async_client": "EdgeDB",
}
_HOSTED = frozenset({"Google Cloud Datastore", "Firestore", "Azure Cosmos DB"})


# Images of datastores, by the last part of the image name (before the tag).
_SERVICE_IMAGES = (("postgis", "PostgreSQL"), ("postgres", "PostgreSQL"), ("mariadb", "MariaDB"), ("mysql", "MySQL"),
                   ("mongo", "MongoDB"), ("redis", "Redis"), ("valkey", "Redis"), ("rabbitmq", "RabbitMQ"),
                   ("memcached", "Memcached"), ("elasticsearch", "Elasticsearch"), ("opensearch", "OpenSearch"),
                   ("mssql", "SQL Server"), ("oracle", "Oracle"))


def check(project: Project) -> Iterator[Finding]:
    """The datastores a compose file starts beside the app: a notice each (the code that
    connects to them is reported on its own lines)."""
    for service in compose.services(project):
        image = (service.image or "").rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0].lower()
        kind = next((name for word, name in _SERVICE_IMAGES if word in image), None)
        if kind is None:
            continue
        yield RULE.finding(
            f"{service.path} runs {kind} (service {service.name!r}) beside the app: Niblit runs the app's "
            "container alone, so the app must not need it",
            Location(service.path, service.line), severity=Severity.NOTICE,
            hint=f"keep the app's data in SQLite ({spec.DATABASE_PATH_READ}); compose is not used on Niblit",
        )


def check_module(project: Project) -> Iterator[Finding]:
    for module in frameworks.app_modules(project):
        if not python.mentions(project, module, "://", "connect", "Connection", "Client", "PyMongo", "MySQL", "Pool",
                                           "Redis", "redis", "search", "Search", "client"):
            continue
        resolver = python.resolver(project, module)
        seen: set[int] = set()
        nodes = python.nodes_of(project, module, ast.Constant, ast.Call)
        schemes_only = _string_method_arguments(nodes)
        for node in nodes:
            found = (_url_literal(node) if id(node) not in schemes_only else None) or _driver_call(node, resolver)
            line = getattr(node, "lineno", 0)
            if found is None or line in seen:
                continue
            seen.add(line)
            description, service = found
            if service in _HOSTED:
                message = f"{description}: the spec allows no external database, Niblit apps keep their data in SQLite"
                hint = f"use sqlite3 or sqlite:/// with {spec.DATABASE_PATH_READ}"
            elif service is None:
                message = f"{description}: Niblit apps use SQLite only, there is no database server to reach"
                hint = f"use sqlite3 or sqlite:/// with {spec.DATABASE_PATH_READ}"
            else:
                message = f"{description}: Niblit runs the app alone in one container, there is no {service} beside it"
                hint = (f"keep that state in SQLite ({spec.DATABASE_PATH_READ}) or in files under {spec.DATA_DIR}; "
                        "a cache can be Flask-Caching's SimpleCache or FileSystemCache, a job queue a thread or the "
                        "request itself")
            yield RULE.finding(message, python.location(module.path, node), hint=hint)


_STRING_METHODS = frozenset({"replace", "startswith", "endswith", "removeprefix", "split", "partition", "find"})


def _string_method_arguments(nodes: list[ast.AST]) -> set[int]:
    """ids of the literals passed to str methods: `url.replace("postgres://", ...)` names a
    scheme to rewrite or test for, not a database to connect to."""
    return {id(arg) for node in nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in _STRING_METHODS for arg in node.args if isinstance(arg, ast.Constant)}


Found = tuple[str, str | None]  # (what it is, the service when it is not a database server)


def datastore_scheme(text: str) -> str | None:
    """The scheme of a URL to a database server or another datastore (`postgres`, `redis`),
    else None: for text that is not code (a compose file's environment)."""
    match = _URL.match(text.strip())
    return match.group("scheme").lower() if match else None


def _url_literal(node: ast.AST) -> Found | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        match = _URL.match(node.value.strip())
        if match:
            scheme = match.group("scheme").lower()
            service = _SERVICES.get(scheme)
            return (f"a {scheme}:// {service} URL" if service else f"a {scheme}:// database URL"), service
    return None


def _driver_call(node: ast.AST, resolver: python.Resolver) -> Found | None:
    if isinstance(node, ast.Call):
        name = resolver.qualified(node.func) or ""
        database = _DRIVER_CONNECTS.get(name)
        if database:
            service = None if database in _DATABASE_SERVERS else database  # _HOSTED: said as such
            return f"{name}(): a {database} connection", service
    return None


_DATABASE_SERVERS = frozenset({"PostgreSQL", "MySQL", "MariaDB", "SQL Server (ODBC)", "SQL Server", "Oracle", "MongoDB",
                               "Cassandra", "Neo4j", "EdgeDB"})
