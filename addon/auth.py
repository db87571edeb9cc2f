"""Service-level auth for the add-on: bearer tokens from an OAuth 2.1 authorization server.

Alexa+ gets a token with the client-credentials grant from the authorization server (an Amazon
Cognito app client, say) and sends it on every request. The add-on is only the resource server:
it verifies each token's signature against the issuer's published keys (JWKS), its issuer, its
audience and its expiry, with joserfc, through the MCP SDK's TokenVerifier hook, and serves the
RFC 9728 protected-resource metadata that names the authorization server.

Configured by environment (docs/alexa-plus.md):
  MCP_AUTH_ISSUER     the authorization server's issuer URL; set, auth is on
  MCP_AUTH_AUDIENCE   the audience tokens must carry (`aud`; Cognito access tokens have none and
                      carry the app client's id as `client_id`, which then counts)
  MCP_RESOURCE_URL    the public HTTPS URL of /mcp (the metadata's `resource`)
  MCP_AUTH_JWKS_URL   the issuer's keys (default: <issuer>/.well-known/jwks.json, Cognito's)
  MCP_AUTH_SCOPES     scopes every token needs, space-separated (optional)
  MCP_AUTH=off        serve without auth on a non-loopback address (behind a gateway that checks)
Without MCP_AUTH_ISSUER, auth is off, which is allowed only on a loopback address.

Alexa+ wants a 401 without a WWW-Authenticate header for an unauthenticated request; the SDK's
middleware always sends one, so `protect` takes it off 401 responses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from mcp.server.auth.handlers.metadata import ProtectedResourceMetadataHandler
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "PS256")
"""Asymmetric signatures only: a token is checked against the issuer's public keys."""
JWKS_REFRESH_SECONDS = 60.0
"""A token signed with a key we do not have refetches the keys, at most this often (rotation)."""
JWKS_TIMEOUT_SECONDS = 5.0
LEEWAY_SECONDS = 30
"""Clock skew allowed on exp, nbf and iat."""
METADATA_PATH = "/.well-known/oauth-protected-resource"


class ConfigError(ValueError):
    """The environment asks for something unsafe or incomplete."""


@dataclass(frozen=True)
class AuthConfig:
    issuer: str
    audience: str
    resource_url: str
    jwks_url: str
    scopes: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str], host: str) -> AuthConfig | None:
        """The auth settings in `environ`, or None for auth off (loopback, or MCP_AUTH=off)."""
        issuer = environ.get("MCP_AUTH_ISSUER", "").strip()
        if not issuer:
            if host not in LOOPBACK and environ.get("MCP_AUTH") != "off":
                raise ConfigError(
                    f"serving on {host} needs MCP_AUTH_ISSUER (auth on) or MCP_AUTH=off (docs/alexa-plus.md)"
                )
            return None
        missing = [name for name in ("MCP_AUTH_AUDIENCE", "MCP_RESOURCE_URL") if not environ.get(name)]
        if missing:
            raise ConfigError(f"MCP_AUTH_ISSUER is set, so {' and '.join(missing)} must be too")
        return cls(
            issuer=issuer,
            audience=environ["MCP_AUTH_AUDIENCE"],
            resource_url=environ["MCP_RESOURCE_URL"],
            jwks_url=environ.get("MCP_AUTH_JWKS_URL") or issuer.rstrip("/") + "/.well-known/jwks.json",
            scopes=tuple(environ.get("MCP_AUTH_SCOPES", "").split()),
        )

    def settings(self) -> AuthSettings:
        """The SDK's auth settings, which its metadata documents come from."""
        return AuthSettings(
            issuer_url=self.issuer,  # type: ignore[arg-type]  # validated (kept as written) by pydantic
            resource_server_url=self.resource_url,  # type: ignore[arg-type]
            required_scopes=list(self.scopes) or None,
            validate_token_resource=False,  # JwksVerifier checks the audience itself
        )

    def server_options(self) -> dict[str, Any]:
        """MCPServer's auth arguments: the verifier and the settings."""
        return {"auth": self.settings(), "token_verifier": JwksVerifier(self)}

    def add_routes(self, server: MCPServer) -> None:
        """The protected-resource metadata at the origin's well-known path as well: the SDK
        serves it at the path RFC 9728 derives from the resource (/.well-known/...-resource/mcp)."""
        settings = self.settings()
        metadata = ProtectedResourceMetadata(
            resource=AnyHttpUrl(self.resource_url),
            authorization_servers=[settings.issuer_url],
            scopes_supported=settings.required_scopes,
        )
        server.custom_route(METADATA_PATH, methods=["GET"])(ProtectedResourceMetadataHandler(metadata).handle)


class JwksVerifier:
    """The SDK's TokenVerifier over the issuer's JWKS: a token is good when its signature is one of
    the issuer's keys and its issuer, audience and times are right; anything else is None (401)."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self._keys: KeySet | None = None
        self._fetched = float("-inf")

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            claims = await self._verified_claims(token)
        except (JoseError, ValueError, TypeError) as error:
            logger.info("bearer token refused: %s", type(error).__name__)
            return None
        if claims is None:
            return None
        scope = claims.get("scope")
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or claims.get("sub") or ""),
            scopes=scope.split() if isinstance(scope, str) else [],
            expires_at=int(claims["exp"]),
            resource=self.config.resource_url,
            subject=claims.get("sub") if isinstance(claims.get("sub"), str) else None,
            claims={"iss": claims["iss"]},
        )

    async def _verified_claims(self, token: str) -> dict[str, Any] | None:
        keys = await self._key_set(token)
        if keys is None:
            return None
        decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        claims = decoded.claims
        JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.config.issuer},
            exp={"essential": True},
        ).validate(claims)
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.audience not in audiences:
            logger.info("bearer token refused: wrong audience")
            return None
        return claims

    async def _key_set(self, token: str) -> KeySet | None:
        """The issuer's keys, fetched again when the token names a key id we do not have."""
        kid = jws.extract_compact(token.encode()).headers().get("kid")
        stale = self._keys is None or (kid is not None and not _has_kid(self._keys, kid))
        if stale and time.monotonic() - self._fetched >= JWKS_REFRESH_SECONDS:
            self._fetched = time.monotonic()
            try:
                async with httpx2.AsyncClient(timeout=JWKS_TIMEOUT_SECONDS) as client:
                    response = await client.get(self.config.jwks_url)
                    response.raise_for_status()
                    self._keys = KeySet.import_key_set(response.json())
            except (httpx2.HTTPError, ValueError) as error:
                logger.warning("could not fetch the issuer's keys: %s", type(error).__name__)
        return self._keys


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def protect(app: ASGIApp) -> ASGIApp:
    """`app` with the WWW-Authenticate header taken off its 401 responses (Alexa+'s rule)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"www-authenticate"]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, sending)

    return wrapped
