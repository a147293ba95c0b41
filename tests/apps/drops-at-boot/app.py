import os
import sqlite3

from flask import Flask

DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")

with sqlite3.connect(DATABASE_PATH) as boot:
    boot.execute("DROP TABLE IF EXISTS visits")  # every start wipes what the last one stored (--preload: once)
    boot.execute("CREATE TABLE visits (at TEXT)")

app = Flask(__name__)


@app.route("/")
def home():
    with sqlite3.connect(DATABASE_PATH) as conn:
        conn.execute("INSERT INTO visits VALUES (datetime('now'))")
        return str(conn.execute("SELECT count(*) FROM visits").fetchone()[0])


@app.route("/health")
def health():
    return "ok"
