"""Proof that a request came from Alexa: Amazon's checks for skills hosted as a web service.

Amazon signs each request body with the key of a certificate whose chain it publishes under
`https://s3.amazonaws.com/echo.api/`; the web service must check that URL, the chain (trusted
root, leaf in date, SAN `echo-api.amazon.com`), the `Signature-256` header over the raw body
and the request timestamp. On AWS Lambda none of this applies: Alexa invokes the function itself.

Two seams make every check testable offline with real cryptography: the trust store (default:
certifi's bundle) and the chain loader (url -> PEM bytes; default: a capped HTTPS download).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import logging
import posixpath
import re
import ssl
import threading
import time
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import IO, Protocol

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

log = logging.getLogger(__name__)

CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
SHA1_SIGNATURE_HEADER = "Signature"
SIGNING_DOMAIN = "echo-api.amazon.com"

CHAIN_HOST = "s3.amazonaws.com"
CHAIN_PATH_PREFIX = "/echo.api/"
PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
URL_CHARACTERS = re.compile(r"[A-Za-z0-9._~:/-]+")
"""Everything Amazon's chain URLs are made of. Refusing the rest (`%`, `@`, `\\`, `?`, `#`,
spaces, non-ASCII) removes whole families of parser confusion before any parsing happens."""

TIMESTAMP_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(hours=1)
"""Amazon delivers skill events (`AlexaSkillEvent.*`: enabled, disabled, permission changes)
asynchronously and allows them to be up to an hour old."""

MAX_CHAIN_BYTES = 64 * 1024
"""Amazon's chain is three or four certificates, about 6 KB of PEM; a tenfold margin still
stops a hostile or broken server from filling memory."""
DOWNLOAD_TIMEOUT_SECONDS = 3.0
"""Alexa gives up on a skill after about 8 seconds, so a slower download is a lost request
anyway; failing early answers 400 instead of tying up a worker (see ChainDownloader)."""
CACHE_SIZE = 16
"""Amazon uses one chain URL at a time (two while it rotates certificates); the bound only
matters if someone sends many valid-looking URLs."""

Clock = Callable[[], datetime]
ChainLoader = Callable[[str], bytes]


class Headers(Protocol):
    """What the verifier reads from request headers (Flask's are case-insensitive)."""

    def get(self, key: str) -> str | None: ...


class VerificationFailed(ValueError):
    """A request failed one of Amazon's checks; the message is short and safe to return."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# The certificate URL ------------------------------------------------------------------------


def check_chain_url(url: str) -> str:
    """Apply Amazon's rules to a SignatureCertChainUrl and return the normalised URL, the only
    URL ever fetched or used as a cache key (so `/echo.api/../echo.api/x` and `/echo.api/x`
    share one cached chain)."""
    if not URL_CHARACTERS.fullmatch(url):
        raise VerificationFailed("certificate URL has characters Amazon's URLs never have")
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() != "https":
        raise VerificationFailed("certificate URL is not https")
    authority, slash, path = rest.partition("/")
    if authority.lower() not in (CHAIN_HOST, f"{CHAIN_HOST}:443"):
        raise VerificationFailed("certificate URL host or port is not s3.amazonaws.com:443")
    normalised = posixpath.normpath(slash + path)
    if not normalised.startswith(CHAIN_PATH_PREFIX):
        raise VerificationFailed("certificate URL path is not under /echo.api/")
    return f"https://{CHAIN_HOST}{normalised}"


# Downloading and trusting the chain ----------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would fetch a URL that never passed the rules: treat it as a failure."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def read_capped(stream: IO[bytes], limit: int) -> bytes | None:
    """The whole stream if it holds at most `limit` bytes, else None, reading no more than one
    byte past the limit. Loops because one read may return less than it was asked for."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= limit else None


class ChainDownloader:
    """The default chain loader: one HTTPS GET, no redirects, a size cap and a deadline.

    Every blocking step (connect, each read) waits at most `timeout`, and the download stops
    once `timeout` has passed in all, so a server that drips bytes cannot hold a worker: the
    worst case is about twice `timeout`, still inside the 8 seconds Alexa waits. `opener` is a
    seam for tests that serve faulty downloads from loopback; the code path is the same."""

    def __init__(
        self, opener: urllib.request.OpenerDirector | None = None, timeout: float = DOWNLOAD_TIMEOUT_SECONDS
    ) -> None:
        if opener is None:
            context = ssl.create_default_context(cafile=certifi.where())
            opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirects())
        self.opener = opener
        self.timeout = timeout

    def __call__(self, url: str) -> bytes:
        url = check_chain_url(url)
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        with self.opener.open(url, timeout=self.timeout) as response:
            while chunk := response.read1(MAX_CHAIN_BYTES + 1 - size):
                size += len(chunk)
                if size > MAX_CHAIN_BYTES:
                    raise VerificationFailed("certificate chain is too large")
                if time.monotonic() > deadline:
                    raise VerificationFailed("certificate chain download is too slow")
                chunks.append(chunk)
        return b"".join(chunks)


download_chain = ChainDownloader()


def load_store(pem: bytes) -> Store:
    """A trust store from a PEM bundle, one certificate at a time: certifi still ships a few
    roots with serial number 0, which cryptography warns about now and will refuse later;
    one unreadable root must not take the whole bundle down with it."""
    certificates = []
    for block in PEM_CERTIFICATE.findall(pem):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                certificates.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            log.debug("skipped an unreadable root certificate")
    if not certificates:
        raise ValueError("the trust store holds no certificates")
    return Store(certificates)


def default_store() -> Store:
    with open(certifi.where(), "rb") as bundle:
        return load_store(bundle.read())


class ChainCache:
    """Validated signing keys per normalised URL, each until its chain's first expiry.

    Only chains that passed path validation get in, so a cache hit is as good as a fresh
    validation; the URL rules run before every lookup. Thread-safe for gthread workers."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[rsa.RSAPublicKey, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> rsa.RSAPublicKey | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            key, expires = entry
            if now >= expires:
                del self._entries[url]
                return None
            self._entries.move_to_end(url)
            return key

    def put(self, url: str, key: rsa.RSAPublicKey, expires: datetime) -> None:
        with self._lock:
            self._entries[url] = (key, expires)
            self._entries.move_to_end(url)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class RequestVerifier:
    """Checks the signature headers of one request against its raw body."""

    def __init__(
        self,
        store: Store | None = None,
        loader: ChainLoader = download_chain,
        clock: Clock = utc_now,
        cache: ChainCache | None = None,
    ) -> None:
        self.store = store if store is not None else default_store()
        self.loader = loader
        self.clock = clock
        self.cache = cache or ChainCache()

    def verify_signature(self, headers: Headers, body: bytes) -> None:
        url = headers.get(CHAIN_URL_HEADER)
        if not url:
            raise VerificationFailed(f"no {CHAIN_URL_HEADER} header")
        url = check_chain_url(url)
        encoded = headers.get(SIGNATURE_HEADER)
        if not encoded:
            if headers.get(SHA1_SIGNATURE_HEADER):
                raise VerificationFailed(f"SHA-1 {SHA1_SIGNATURE_HEADER} alone is not accepted")
            raise VerificationFailed(f"no {SIGNATURE_HEADER} header")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationFailed(f"{SIGNATURE_HEADER} is not base64") from error
        key = self.signing_key(url)
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise VerificationFailed("signature does not match the body") from error

    def signing_key(self, url: str) -> rsa.RSAPublicKey:
        """The leaf's public key for an already checked URL: cached, or downloaded and
        validated now."""
        now = self.clock()
        key = self.cache.get(url, now)
        if key is not None:
            return key
        try:
            pem = self.loader(url)
        except VerificationFailed:
            raise
        except (OSError, ValueError, http.client.HTTPException) as error:
            log.warning("certificate chain download failed: %s", error)
            raise VerificationFailed("certificate chain could not be downloaded") from error
        if len(pem) > MAX_CHAIN_BYTES:
            raise VerificationFailed("certificate chain is too large")
        try:
            leaf, *intermediates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise VerificationFailed("certificate chain is not PEM certificates") from error
        verifier = (
            PolicyBuilder().store(self.store).time(now).build_server_verifier(x509.DNSName(SIGNING_DOMAIN))
        )
        try:
            chain = verifier.verify(leaf, intermediates)
        except VerificationError as error:
            log.warning("certificate chain rejected: %s", error)
            raise VerificationFailed("certificate chain is not trusted") from error
        leaf_key = leaf.public_key()
        if not isinstance(leaf_key, rsa.RSAPublicKey):
            raise VerificationFailed("signing certificate has no RSA key")
        self.cache.put(url, leaf_key, min(cert.not_valid_after_utc for cert in chain))
        return leaf_key


# The timestamp -------------------------------------------------------------------------------


def check_timestamp(timestamp: datetime | None, request_type: str | None, now: datetime) -> None:
    """Refuse replays: the request must be recent (an hour for skill events, else 150 s)."""
    if timestamp is None:
        raise VerificationFailed("request has no timestamp")
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    skill_event = (request_type or "").startswith("AlexaSkillEvent.")
    tolerance = SKILL_EVENT_TOLERANCE if skill_event else TIMESTAMP_TOLERANCE
    if abs(now - timestamp) > tolerance:
        raise VerificationFailed("request timestamp is too far from now")
