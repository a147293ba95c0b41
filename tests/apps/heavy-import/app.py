from flask import Flask

import ballast  # 85 MiB when imported, in each of gunicorn's two workers: near the free tier's 256 MB

app = Flask(__name__)


@app.route("/")
def home():
    return str(len(ballast.TABLE))
