"""Proof that a request came from Alexa: Amazon's checks for skills hosted as a web service.

Amazon signs each request body with the key of a certificate whose chain it publishes under
`https://s3.amazonaws.com/echo.api/`; the web service must check that URL, the chain (trusted
root, leaf in date, the exact name `echo-api.amazon.com` among the leaf's names, an RSA key of
2048 bits or more), the `Signature-256` header over the raw body and the request timestamp. On
AWS Lambda none of this applies: Alexa invokes the function itself.

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
import urllib.error
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import IO, Generic, Protocol, TypeVar

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
MAX_URL_LENGTH = 200
"""Amazon's chain URLs are under 100 characters; a longer one is not Amazon's and is refused
before it is parsed, fetched or remembered."""
URL_CHARACTERS = re.compile(r"[A-Za-z0-9._~:/-]+")
"""Everything Amazon's chain URLs are made of. Refusing the rest (`%`, `@`, `\\`, `?`, `#`,
spaces, non-ASCII) removes whole families of parser confusion before any parsing happens."""

MIN_RSA_BITS = 2048
"""Amazon signs with 2048-bit RSA; anything shorter is no proof today (web PKI path validation
itself accepts a 1024-bit leaf)."""

ISO_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:[.](?P<fraction>[0-9]{1,9}))?"
    r"(?:Z|(?P<sign>[+-])(?P<offset_hours>[0-9]{2}):(?P<offset_minutes>[0-9]{2}))"
)
"""A request timestamp as Alexa writes it: date, time, optional fractions, then `Z` or an offset.
Nothing is filled in from the machine's clock, so a time without a date cannot pass."""
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
FAILURE_CACHE_SIZE = 256
"""Failed URLs are remembered apart from good chains, so a stream of made-up URLs can never push
Amazon's chain out of the cache."""
FAILURE_MEMORY = timedelta(seconds=60)
"""How long a URL whose chain was refused (fetched and not trusted, or answered by S3 with a 4xx:
no chain there to trust) answers with that refusal without another download: repeating one bad
URL costs one download a minute."""
TRANSIENT_FAILURE_MEMORY = timedelta(seconds=5)
"""How long a URL whose download failed on the way (no connection, a timeout, an S3 5xx) answers
with that failure: a fault that may pass in seconds must not refuse every Alexa request for a
minute, yet a broken network still costs one download per five seconds, not one per request."""

Clock = Callable[[], datetime]
ChainLoader = Callable[[str], bytes]
V = TypeVar("V")


class Headers(Protocol):
    """What the verifier reads from request headers (Flask's are case-insensitive)."""

    def get(self, key: str) -> str | None: ...


class VerificationFailed(ValueError):
    """A request failed one of Amazon's checks; the message is short and safe to return."""


class ChainUnavailable(VerificationFailed):
    """The chain could not be had just now (no connection, a timeout, an S3 5xx): nothing was
    judged, so the refusal is remembered for TRANSIENT_FAILURE_MEMORY only."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# The certificate URL ------------------------------------------------------------------------


def check_chain_url(url: str) -> str:
    """Apply Amazon's rules to a SignatureCertChainUrl and return the normalised URL, the only
    URL ever fetched or used as a cache key (so `/echo.api/../echo.api/x` and `/echo.api/x`
    share one cached chain)."""
    if len(url) > MAX_URL_LENGTH:
        raise VerificationFailed("certificate URL is too long")
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
                    raise ChainUnavailable("certificate chain download is too slow")
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


class Expiring(Generic[V]):
    """A bounded map whose values each end at a moment; the least recently used goes first.
    Not thread-safe by itself: ChainCache holds its lock around every call."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[V, datetime]] = OrderedDict()

    def get(self, url: str, now: datetime) -> V | None:
        entry = self._entries.get(url)
        if entry is None:
            return None
        value, until = entry
        if now >= until:
            del self._entries[url]
            return None
        self._entries.move_to_end(url)
        return value

    def put(self, url: str, value: V, until: datetime) -> None:
        self._entries[url] = (value, until)
        self._entries.move_to_end(url)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


Fetch = Callable[[datetime], tuple[rsa.RSAPublicKey, datetime]]
"""Downloads and validates one chain at a moment: its signing key and the moment the chain stops
being valid."""


class ChainCache:
    """What is known about each normalised URL, and the one fetch under way for it.

    A validated signing key is kept until its chain's first expiry; only chains that passed every
    check get in, so a hit is as good as a fresh validation (the URL rules still run before every
    lookup). A URL whose chain was refused answers with that refusal, without another download,
    for FAILURE_MEMORY, or for TRANSIENT_FAILURE_MEMORY when the download failed on the way
    (ChainUnavailable); either counts from the moment the fetch failed, so a download that timed
    out is not retried at once. Requests that find a fetch for their URL under way wait for its
    outcome instead of starting their own, so a burst of first requests, or of requests once a
    transient failure is forgotten, costs one download. Thread-safe for gthread workers."""

    def __init__(self, size: int = CACHE_SIZE, failure_size: int = FAILURE_CACHE_SIZE) -> None:
        self._keys: Expiring[rsa.RSAPublicKey] = Expiring(size)
        self._failures: Expiring[str] = Expiring(failure_size)
        self._fetches: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def key(self, url: str, clock: Clock, fetch: Fetch) -> rsa.RSAPublicKey:
        """The signing key for `url`: known, or from `fetch` at `clock()`, which runs once for all
        the requests that arrive while it runs. Raises VerificationFailed for a refused chain."""
        now = clock()
        with self._lock:
            key = self._known(url, now)
            if key is not None:
                return key
            if url in self._fetches:
                log.debug("waiting for the certificate chain download already under way")
            fetching = self._fetches.setdefault(url, threading.Lock())
        with fetching:
            with self._lock:
                key = self._known(url, now)
            if key is not None:
                return key
            try:
                key, until = fetch(now)
            except VerificationFailed as failure:
                transient = isinstance(failure, ChainUnavailable)
                memory = TRANSIENT_FAILURE_MEMORY if transient else FAILURE_MEMORY
                cause = f" ({failure.__cause__})" if failure.__cause__ is not None else ""
                log.warning(
                    "certificate chain refused, a %s failure remembered for %d s: %s: %s%s",
                    "transient" if transient else "trust",
                    memory.total_seconds(),
                    url,
                    failure,
                    cause,
                )
                self._settle(url, str(failure), clock() + memory)
                raise
            self._settle(url, key, until)
            return key

    def _known(self, url: str, now: datetime) -> rsa.RSAPublicKey | None:
        """The cached key, None if nothing is known; raises a remembered refusal. Lock held."""
        failure = self._failures.get(url, now)
        if failure is not None:
            raise VerificationFailed(failure)
        return self._keys.get(url, now)

    def _settle(self, url: str, outcome: rsa.RSAPublicKey | str, until: datetime) -> None:
        """Store a fetch's outcome (a key, or a refusal's reason) and end the fetch in one step,
        so a request arriving in between finds one or the other, never neither."""
        with self._lock:
            if isinstance(outcome, str):
                self._failures.put(url, outcome, until)
            else:
                self._keys.put(url, outcome, until)
            self._fetches.pop(url, None)


def names_signing_domain(certificate: x509.Certificate) -> bool:
    """Whether one of the DNS names in the certificate's subjectAltName is SIGNING_DOMAIN itself:
    compared without regard to ASCII case, as DNS names are (RFC 4343), and otherwise exactly (a
    wildcard or a longer name does not count; non-ASCII is never folded onto ASCII)."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return any(
        name.isascii() and name.lower() == SIGNING_DOMAIN for name in names.get_values_for_type(x509.DNSName)
    )


def transient(error: Exception) -> bool:
    """Whether a chain loader's error is a fault on the way that may pass in seconds: no
    connection, a timeout, a broken answer, an S3 5xx. A 4xx is S3's answer that no chain is
    there; a ValueError is a URL the loader cannot fetch at all."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500
    return isinstance(error, (OSError, http.client.HTTPException))


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
        """The leaf's public key for an already checked URL: cached, or fetched and validated
        now, once however many requests ask for it meanwhile."""
        return self.cache.key(url, self.clock, lambda now: self.fetch_key(url, now))

    def fetch_key(self, url: str, now: datetime) -> tuple[rsa.RSAPublicKey, datetime]:
        """Download the chain at `url` and validate it at `now`: the leaf's key, and the moment
        the first certificate in the chain expires."""
        try:
            pem = self.loader(url)
        except VerificationFailed:
            raise
        except (OSError, ValueError, http.client.HTTPException) as error:
            refusal = ChainUnavailable if transient(error) else VerificationFailed
            raise refusal("certificate chain could not be downloaded") from error
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
            raise VerificationFailed("certificate chain is not trusted") from error
        # Web PKI rules let `*.amazon.com` stand for the name; Amazon's rule is the name itself.
        if not names_signing_domain(leaf):
            raise VerificationFailed(f"signing certificate does not name {SIGNING_DOMAIN}")
        leaf_key = leaf.public_key()
        if not isinstance(leaf_key, rsa.RSAPublicKey):
            raise VerificationFailed("signing certificate has no RSA key")
        if leaf_key.key_size < MIN_RSA_BITS:
            raise VerificationFailed(f"signing certificate's RSA key is shorter than {MIN_RSA_BITS} bits")
        return leaf_key, min(cert.not_valid_after_utc for cert in chain)


# The timestamp -------------------------------------------------------------------------------


def parse_timestamp(value: object) -> datetime:
    """A request timestamp as Alexa writes it (ISO_TIMESTAMP); anything else is refused."""
    match = ISO_TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise VerificationFailed("request timestamp is not an ISO 8601 date and time")
    year, month, day, hour, minute, second = (
        int(match[part]) for part in ("year", "month", "day", "hour", "minute", "second")
    )
    microsecond = int((match["fraction"] or "").ljust(6, "0")[:6])
    offset = timedelta(hours=int(match["offset_hours"] or 0), minutes=int(match["offset_minutes"] or 0))
    try:
        zone = timezone(-offset if match["sign"] == "-" else offset)
        return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)
    except ValueError as error:  # no such date or time, or an offset of a day or more
        raise VerificationFailed("request timestamp is not an ISO 8601 date and time") from error


def check_timestamp(timestamp: object, request_type: object, now: datetime) -> None:
    """Refuse replays: the request must be recent (an hour for skill events, else 150 s). Both
    values come straight from the request JSON, so either may be of any JSON type."""
    if timestamp is None:
        raise VerificationFailed("request has no timestamp")
    moment = parse_timestamp(timestamp)
    skill_event = isinstance(request_type, str) and request_type.startswith("AlexaSkillEvent.")
    tolerance = SKILL_EVENT_TOLERANCE if skill_event else TIMESTAMP_TOLERANCE
    if abs(now - moment) > tolerance:
        raise VerificationFailed("request timestamp is too far from now")
