import os
import sqlite3

from flask import Flask

app = Flask(__name__)
STORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "store")


def db():
    os.makedirs(STORE, exist_ok=True)
    return sqlite3.connect(os.path.join(STORE, "notes.sqlite"))  # /app/store/notes.sqlite: not DATABASE_PATH


@app.route("/")
def home():
    with db() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)")
    return "ok"
