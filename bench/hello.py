"""The web benchmark's baseline: the least a Flask app can do per request.

One route returning a short HTML string, served by gunicorn with exactly the settings of
the real app in bench/web.py. What the real pages reach as a share of this is what our own
code costs on top of Flask, gunicorn and the HTTP round trip on the same machine.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "<!doctype html><title>Hallo</title><p>Hallo, buurt!</p>"
