"""The reference's web side: the bare skill (benchmarks/bare.py) behind a Flask route of the
same shape as ours, and a bare Flask JSON echo, the floor for the HTTP figures. Kept apart from
bare.py so the reference's cold start and memory carry no Flask or cryptography."""

from __future__ import annotations

from cryptography.x509.verification import Store
from flask import Flask, Response, jsonify, request

from benchmarks.bare import answer
from skill.verify import ChainLoader, RequestVerifier


def flask_app(store: Store, loader: ChainLoader) -> Flask:
    """The bare skill behind one route that checks signatures with the same verifier ours uses,
    so the Flask comparison isolates everything else."""
    app = Flask(__name__)
    verifier = RequestVerifier(store, loader)

    @app.post("/")
    def alexa() -> Response:
        body = request.get_data()
        verifier.verify_signature(request.headers, body)
        return jsonify(answer(body.decode()))

    return app


def echo_app() -> Flask:
    """Answers each POST with its own JSON body."""
    app = Flask(__name__)

    @app.post("/")
    def echo() -> Response:
        return jsonify(request.get_json())

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    return app
