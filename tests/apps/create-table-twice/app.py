import os
import sqlite3

from flask import Flask

DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")
db = sqlite3.connect(DATABASE_PATH)
db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)")  # line 8: fails on the second start
db.commit()
db.close()

app = Flask(__name__)


@app.route("/")
def home():
    return "ok"
