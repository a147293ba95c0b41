import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    # What untrusted app code can see of deploy-check's world.
    found = {
        "env": sorted(os.environ),
        "docker_socket": os.path.exists("/var/run/docker.sock"),
        "caps": open("/proc/self/status").read().split("CapEff:")[1].split()[0],
        "no_new_privs": open("/proc/self/status").read().split("NoNewPrivs:")[1].split()[0],
    }
    return found
