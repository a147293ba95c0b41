"""App code connects to a database server (PostgreSQL, MySQL, MongoDB, ...), not SQLite.

## Why it breaks on Niblit
Niblit apps use SQLite at /data/app.db. There is no database server to reach,
so a `postgresql://` URL, a non-SQLite `SQLALCHEMY_DATABASE_URI` or a driver's
`connect()` fails at start or on the first request. Credentials in such URLs
are never repeated in the message. A URL read from the environment
(`os.environ["DATABASE_URL"]`) cannot be judged statically and is not
reported.

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
from deploy_check.parsing import python
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("database-external", severity="error", doc=__doc__)

_URL = re.compile(
    r"^(?P<scheme>postgres(?:ql)?|mysql|mariadb|mssql|oracle|mongodb(?:\+srv)?|cockroachdb|redshift|db2|ibm_db_sa|"
    r"snowflake|clickhouse)(?:\+[\w-]+)?://",
    re.IGNORECASE,
)
_DRIVER_CONNECTS = {
    "psycopg2.connect": "PostgreSQL", "psycopg.connect": "PostgreSQL", "psycopg.AsyncConnection.connect": "PostgreSQL",
    "asyncpg.connect": "PostgreSQL", "asyncpg.create_pool": "PostgreSQL", "pg8000.connect": "PostgreSQL",
    "psycopg2.pool.SimpleConnectionPool": "PostgreSQL", "psycopg2.pool.ThreadedConnectionPool": "PostgreSQL",
    "pymysql.connect": "MySQL", "MySQLdb.connect": "MySQL", "mysql.connector.connect": "MySQL",
    "aiomysql.connect": "MySQL", "mariadb.connect": "MariaDB", "pyodbc.connect": "SQL Server (ODBC)",
    "pymssql.connect": "SQL Server", "cx_Oracle.connect": "Oracle", "oracledb.connect": "Oracle",
    "pymongo.MongoClient": "MongoDB", "motor.motor_asyncio.AsyncIOMotorClient": "MongoDB",
    "mongoengine.connect": "MongoDB", "flask_pymongo.PyMongo": "MongoDB", "flask_mysqldb.MySQL": "MySQL",
}


def check_module(project: Project) -> Iterator[Finding]:
    for module in python.deployed_modules(project):
        if not python.mentions(project, module, "://", "connect", "Client", "PyMongo", "MySQL", "Pool"):
            continue
        resolver = python.resolver(project, module)
        seen: set[int] = set()
        for node in python.nodes_of(project, module, ast.Constant, ast.Call):
            found = _url_literal(node) or _driver_call(node, resolver)
            line = getattr(node, "lineno", 0)
            if found is None or line in seen:
                continue
            seen.add(line)
            yield RULE.finding(
                f"{found}: Niblit apps use SQLite only, there is no database server to reach",
                python.location(module.path, node),
                hint=f"use sqlite3 or sqlite:/// with {spec.DATABASE_PATH_READ}",
            )


def _url_literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        match = _URL.match(node.value.strip())
        if match:
            return f"a {match.group('scheme').lower()}:// database URL"
    return None


def _driver_call(node: ast.AST, resolver: python.Resolver) -> str | None:
    if isinstance(node, ast.Call):
        name = resolver.qualified(node.func) or ""
        database = _DRIVER_CONNECTS.get(name)
        if database:
            return f"{name}(): a {database} connection"
    return None
