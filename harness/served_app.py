"""What the serving tests, the load run and the HTTP benchmark run under gunicorn: the production
app with the two seams pointed at files the caller wrote (the test root as trust store, the test
chain for every URL)."""

from __future__ import annotations

import os
from pathlib import Path

from skill.verify import load_store
from skill.web import create_app

chain = Path(os.environ["TEST_CHAIN_FILE"]).read_bytes()
app = create_app(
    production=True,
    trust_store=load_store(Path(os.environ["TEST_ROOT_FILE"]).read_bytes()),
    chain_loader=lambda url: chain,
)
