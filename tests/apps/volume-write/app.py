import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    with open("/app/uploads/avatar.png", "wb") as handle:  # under the image's VOLUME: not in docker diff
        handle.write(b"png")
    with open("/tmp/render-cache.txt", "w") as handle:  # scratch space: fine
        handle.write("cached")
    return str(os.listdir("/app/uploads"))
