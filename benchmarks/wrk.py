"""The load script wrk runs (Lua, filled with our signed requests) and reading wrk's output."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from harness.certs import CHAIN_URL

WRK_SCRIPT = """
local bodies = {{ {bodies} }}
local headers = {{ {headers} }}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "{path}", headers[i], bodies[i])
end
"""


def lua_script(requests: list[tuple[bytes, dict[str, str]]], path: str = "/") -> str:
    """The Lua script that POSTs these requests (body, headers) to `path`, in turn."""
    return WRK_SCRIPT.format(
        bodies=", ".join(f"[==[{body.decode()}]==]" for body, _ in requests),
        headers=", ".join(
            "{ " + ", ".join(f'["{name}"] = "{value}"' for name, value in headers.items()) + " }"
            for _, headers in requests
        ),
        path=path,
    )


def signed_script(signed: list[tuple[bytes, dict[str, str]]]) -> str:
    """The script that cycles through these signed Alexa requests (body, signature headers)."""
    return lua_script(
        [
            (body, {"Content-Type": "application/json", "SignatureCertChainUrl": CHAIN_URL,
                    "Signature-256": headers["Signature-256"]})
            for body, headers in signed
        ]
    )  # fmt: skip


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def wrk(port: int, seconds: int, connections: int, script: Path) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": to_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }
