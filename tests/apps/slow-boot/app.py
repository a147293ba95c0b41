import time

from flask import Flask

time.sleep(12)  # a slow start-up: over the 10 s cold-start budget

app = Flask(__name__)


@app.route("/")
def home():
    return "finally"
