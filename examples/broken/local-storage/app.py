import os
import sqlite3

import psycopg2
from flask import Flask, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "s3cr3t-k3y-that-ships-with-the-code"
UPLOAD_FOLDER = os.path.join(os.path.dirname(__file__), "uploads")

REPORTS_DB = "postgresql://reports:hunter2@db.example.com:5432/reports"


def get_db():
    return sqlite3.connect("app.db")


@app.route("/", methods=["GET", "POST"])
def home():
    if request.method == "POST":
        upload = request.files["file"]
        upload.save(os.path.join(UPLOAD_FOLDER, upload.filename))
    return "ok"


def reports():
    return psycopg2.connect(REPORTS_DB)
