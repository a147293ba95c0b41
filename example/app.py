"""A small guestbook that follows the Niblit.ai Flask spec.

Notes go to SQLite at DATABASE_PATH (/data/app.db on Niblit); attachments
go to /data/uploads. Both survive restarts and redeploys.
"""
import os
import sqlite3
import uuid

from flask import Flask, abort, g, redirect, render_template, request, send_from_directory, url_for
from werkzeug.utils import secure_filename

DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")
UPLOAD_FOLDER = "/data/uploads"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
# Sessions are not used; a per-boot key keeps Flask from running without one.
app.secret_key = os.environ.get("SECRET_KEY") or os.urandom(32)


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE_PATH)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(exception=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    os.makedirs(os.path.dirname(DATABASE_PATH), exist_ok=True)
    os.makedirs(UPLOAD_FOLDER, exist_ok=True)
    db = sqlite3.connect(DATABASE_PATH)
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            text TEXT NOT NULL,
            attachment TEXT,
            created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
        )
        """
    )
    db.commit()
    db.close()


init_db()


@app.route("/")
def home():
    notes = get_db().execute("SELECT * FROM notes ORDER BY id DESC LIMIT 50").fetchall()
    return render_template("index.html", notes=notes)


@app.route("/notes", methods=["POST"])
def add_note():
    text = request.form.get("text", "").strip()
    if not text:
        abort(400)
    attachment = None
    upload = request.files.get("attachment")
    if upload and upload.filename:
        attachment = f"{uuid.uuid4().hex}-{secure_filename(upload.filename)}"
        upload.save(os.path.join(UPLOAD_FOLDER, attachment))
    db = get_db()
    db.execute("INSERT INTO notes (text, attachment) VALUES (?, ?)", (text, attachment))
    db.commit()
    return redirect(url_for("home"))


@app.route("/uploads/<name>")
def uploaded(name):
    return send_from_directory(UPLOAD_FOLDER, name)


@app.route("/health")
def health():
    get_db().execute("SELECT 1")
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
