from flask import Flask

import catalog  # a slow import: catalog.py works for 6 s when imported

app = Flask(__name__)


@app.route("/")
def home():
    return str(len(catalog.ITEMS))
