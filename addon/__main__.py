"""`python -m addon` (`make mcp`): the add-on on http://HOST:PORT/mcp (default 127.0.0.1:8090)."""

from __future__ import annotations

import os
import sys

import uvicorn

from addon.auth import ConfigError
from addon.server import MCP_PATH, app_from_env

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090


def main() -> int:
    host = os.environ.get("HOST", DEFAULT_HOST)
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    try:
        app = app_from_env(os.environ, host)
    except ConfigError as error:
        print(f"addon: {error}", file=sys.stderr)
        return 2
    print(f"Muscle Twitch Guide add-on on http://{host}:{port}{MCP_PATH}", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, access_log=False)  # no line per request, as the skill
    return 0


if __name__ == "__main__":
    sys.exit(main())
