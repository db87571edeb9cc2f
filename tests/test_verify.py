"""Every check Amazon documents for a skill hosted as a web service, through the real Flask app:
real certificate chains, real RSA signatures over the exact body bytes; only S3 is stood in for."""

from __future__ import annotations

import http.client
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.verification import PolicyBuilder
from hypothesis import given
from hypothesis import strategies as st

from harness.certs import ACCEPTED, BROKEN, CHAIN_URL, DAY, NOW, PASSES_PATH_VALIDATION, pem, pki, sign
from harness.signing import (
    ChainServer,
    body_of,
    envelope,
    http_error,
    make_app,
    post,
    signed_headers,
    tampered,
)
from skill.verify import (
    CACHE_SIZE,
    FAILURE_MEMORY,
    MAX_CHAIN_BYTES,
    MAX_URL_LENGTH,
    TRANSIENT_FAILURE_MEMORY,
    Expiring,
    RequestVerifier,
    VerificationFailed,
    check_chain_url,
    default_store,
    download_chain,
    load_store,
    parse_timestamp,
    read_capped,
)

CANONICAL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"

VALID_URLS = [
    # Amazon's examples of valid URLs
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    # scheme and host are case-insensitive; dot segments are normalised away
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    "https://s3.amazonaws.com/../echo.api/echo-api-cert.pem",
]

INVALID_URLS = {
    # Amazon's examples of invalid URLs
    "http scheme": "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "other host": "https://notamazon.com/echo.api/echo-api-cert.pem",
    "path case": "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "other path": "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "port 563": "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    # path tricks
    "dot-dot out": "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
    "uppercase path": "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
    "prefix only": "https://s3.amazonaws.com/echo.api/",
    "no slash": "https://s3.amazonaws.com/echo.api",
    "no path": "https://s3.amazonaws.com",
    "look-alike dir": "https://s3.amazonaws.com/echo.api.evil/echo-api-cert.pem",
    "double slash": "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "encoded dots": "https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert.pem",
    "encoded DOTS": "https://s3.amazonaws.com/echo.api/%2E%2E/%2E%2E/evil/echo-api-cert.pem",
    "encoded slash": "https://s3.amazonaws.com/echo.api%2F..%2Fevil/echo-api-cert.pem",
    "backslashes": "https://s3.amazonaws.com/echo.api\\..\\evil\\echo-api-cert.pem",
    "backslash host": "https://evil.example\\@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "query": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?versionId=1",
    "fragment": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#x",
    "fragment host": "https://evil.example#@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    # host and port tricks
    "userinfo": "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "userinfo host": "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem",
    "password": "https://s3.amazonaws.com:443@evil.example/echo.api/echo-api-cert.pem",
    "trailing-dot host": "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "bucket subdomain": "https://evil.s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "host suffix": "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "IPv4 host": "https://52.216.0.1/echo.api/echo-api-cert.pem",
    "IPv6 host": "https://[::1]/echo.api/echo-api-cert.pem",
    "loopback": "https://127.0.0.1:443/echo.api/echo-api-cert.pem",
    "port 80": "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
    "port 8443": "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
    "port 0443": "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem",
    "empty port": "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem",
    "non-ASCII host": "https://s3.amazonaws.com\u3002/echo.api/echo-api-cert.pem",
    "non-ASCII path": "https://s3.amazonaws.com/echo.api/c\u00e9rt.pem",
    "spaces": " https://s3.amazonaws.com/echo.api/echo-api-cert.pem ",
    # scheme tricks
    "ftp": "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "file": "file:///echo.api/echo-api-cert.pem",
    "scheme-relative": "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "no scheme": "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "one slash": "https:/s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "three slashes": "https:///s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "garbage": "badUrl",
    # Amazon's URLs are under 100 characters
    "too long": "https://s3.amazonaws.com/echo.api/" + "a" * MAX_URL_LENGTH + ".pem",
}


# The certificate URL ------------------------------------------------------------------------


@pytest.mark.parametrize("url", VALID_URLS)
def test_valid_urls_are_fetched_in_their_normalised_form(url: str) -> None:
    server = ChainServer(every_url=pki().chains["good"])
    body = body_of(envelope())
    response = post(make_app(server).test_client(), body, signed_headers(body, url))
    assert response.status_code == 200, response.get_json()
    assert server.fetched == [CANONICAL]


@pytest.mark.parametrize("url", INVALID_URLS.values(), ids=INVALID_URLS.keys())
def test_invalid_urls_are_refused_and_never_fetched(url: str) -> None:
    """The server would hand out a valid chain for any URL: only the URL rules can refuse."""
    server = ChainServer(every_url=pki().chains["good"])
    body = body_of(envelope())
    response = post(make_app(server).test_client(), body, signed_headers(body, url))
    assert response.status_code == 400
    assert "certificate URL" in response.get_json()["error"]
    assert server.fetched == []


def test_urls_are_checked_before_the_cache() -> None:
    """Amazon's certification sends a valid URL first and invalid ones after it: a cached chain
    for the same path must not let them through."""
    server = ChainServer(every_url=pki().chains["good"])
    client = make_app(server).test_client()
    body = body_of(envelope())
    assert post(client, body).status_code == 200
    for bad in ("http://s3.amazonaws.com", "https://s3.amazonaws.com:563", "https://user@s3.amazonaws.com"):
        url = CHAIN_URL.replace("https://s3.amazonaws.com", bad)
        assert post(client, body, signed_headers(body, url)).status_code == 400
    assert server.fetched == [CHAIN_URL]


@pytest.mark.parametrize("url", ["", None])
def test_missing_certificate_url(url: str | None) -> None:
    response = tampered({"SignatureCertChainUrl": url})
    assert response.status_code == 400
    assert response.get_json() == {"error": "no SignatureCertChainUrl header"}


def test_the_default_loader_refuses_urls_that_break_the_rules() -> None:
    """download_chain checks again, so no caller can make it fetch an arbitrary URL."""
    for url in INVALID_URLS.values():
        with pytest.raises(VerificationFailed):
            download_chain(url)


def test_check_chain_url_returns_the_url_it_fetches() -> None:
    assert {check_chain_url(url) for url in VALID_URLS} == {CANONICAL}


def test_a_url_of_the_longest_length_allowed_is_fetched() -> None:
    prefix = "https://s3.amazonaws.com/echo.api/"
    longest = prefix + "a" * (MAX_URL_LENGTH - len(prefix) - len(".pem")) + ".pem"
    assert check_chain_url(longest) == longest
    with pytest.raises(VerificationFailed, match="too long"):
        check_chain_url(longest.replace(".pem", "a.pem"))


PIECES = ["/", "//", ".", "..", "../", "@", ":", ":443", ":80", "evil.example", "echo.api", "%2e", "\\", "?"]


def mutated(url: str, edits: list[tuple[int, str]]) -> str:
    for position, piece in edits:
        at = position % (len(url) + 1)
        url = url[:at] + piece + url[at:]
    return url


EDITS = st.lists(st.tuples(st.integers(0, 99), st.sampled_from(PIECES)), max_size=3)


@given(st.builds(mutated, st.sampled_from(VALID_URLS), EDITS))
def test_no_accepted_url_means_another_host_to_a_standard_parser(url: str) -> None:
    """Amazon's valid URLs with pieces slipped in: whatever check_chain_url lets through,
    Python's own URL parser reads the same way (the same host, no userinfo, port 443 or none),
    and what it fetches has no dot-dot segment left and stays under /echo.api/."""
    try:
        fetched = check_chain_url(url)
    except VerificationFailed:
        return
    for parsed in (urlsplit(url), urlsplit(fetched)):
        assert (parsed.scheme.lower(), parsed.hostname) == ("https", "s3.amazonaws.com")
        assert parsed.username is None
        assert parsed.port in (None, 443)
        assert (parsed.query, parsed.fragment) == ("", "")
    assert urlsplit(fetched).path.startswith("/echo.api/")
    assert ".." not in fetched.split("/")


# The chain ----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ACCEPTED)
def test_a_valid_chain_lets_the_request_reach_the_skill(variant: str) -> None:
    """The leaf names echo-api.amazon.com in any ASCII case: DNS names are case-insensitive."""
    server = ChainServer({CHAIN_URL: pki().chains[variant]})
    response = post(make_app(server).test_client(), body_of(envelope()))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")


@pytest.mark.parametrize("variant", BROKEN)
def test_broken_chains_are_refused(variant: str) -> None:
    server = ChainServer({CHAIN_URL: pki().chains[variant]})
    response = post(make_app(server).test_client(), body_of(envelope()))
    assert response.status_code == 400
    assert response.get_json()["error"] in (
        "certificate chain is not trusted",
        "signing certificate has no RSA key",
    )


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        ("wildcard_san", "signing certificate does not name echo-api.amazon.com"),
        ("rsa_1024", "signing certificate's RSA key is shorter than 2048 bits"),
    ],
)
def test_amazons_leaf_rules_apply_after_path_validation(variant: str, reason: str) -> None:
    """Web PKI path validation accepts these chains for echo-api.amazon.com (checked here), and
    each body is signed with its own leaf's key: only Amazon's rules are left to refuse them."""
    assert variant in PASSES_PATH_VALIDATION
    chain = pki().chains[variant]
    leaf, *intermediates = x509.load_pem_x509_certificates(chain)
    verifier = PolicyBuilder().store(pki().store).build_server_verifier(x509.DNSName("echo-api.amazon.com"))
    verifier.verify(leaf, intermediates)
    key = pki().short_key if variant == "rsa_1024" else pki().leaf_key
    body = body_of(envelope())
    headers = {**signed_headers(body), "Signature-256": sign(key, body)}
    response = post(make_app(ChainServer({CHAIN_URL: chain})).test_client(), body, headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": reason}


REAL_CHAIN = Path(__file__).parent / "data" / "echo-api-cert-8.pem"
REAL_CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-8.pem"


def test_amazons_real_chain_validates_at_its_own_time_against_certifi(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Amazon's echo-api-cert-8.pem (where it comes from: the file's header). Its leaf was valid
    from 2020-03-19 to 2021-03-10 and chains through Amazon's Server CA 1B to Amazon Root CA 1,
    which is in today's certifi bundle. Validated through RequestVerifier with certifi's roots
    and the real rules (URL, path, name, key size); the signature step is not exercised, since
    no request Amazon signed with this key is published."""
    pem_bytes = REAL_CHAIN.read_bytes()
    leaf = x509.load_pem_x509_certificates(pem_bytes)[0]
    store = default_store()

    def key_at(moment: datetime) -> Any:
        verifier = RequestVerifier(store, ChainServer({REAL_CHAIN_URL: pem_bytes}), lambda: moment)
        return verifier.signing_key(check_chain_url(REAL_CHAIN_URL))

    for moment in (datetime(2020, 3, 19, tzinfo=UTC), datetime(2020, 9, 1, tzinfo=UTC)):
        assert key_at(moment).public_numbers() == leaf.public_key().public_numbers()
    for moment in (datetime(2021, 3, 10, 12, 0, 1, tzinfo=UTC), datetime.now(UTC)):
        with pytest.raises(VerificationFailed, match="certificate chain is not trusted"):
            key_at(moment)
    assert "cert is not valid at validation time" in caplog.text


@pytest.mark.parametrize(
    ("served", "reason"),
    [
        (b"", "certificate chain is not PEM certificates"),
        (b"<Error><Code>AccessDenied</Code></Error>", "certificate chain is not PEM certificates"),
        (pki().chains["good"][:500], "certificate chain is not PEM certificates"),
        (b"#" * (MAX_CHAIN_BYTES + 1), "certificate chain is too large"),
    ],
    ids=["empty", "S3 error page", "truncated", "too large"],
)
def test_unusable_downloads_are_refused(served: bytes, reason: str) -> None:
    response = post(make_app(ChainServer(every_url=served)).test_client(), body_of(envelope()))
    assert response.status_code == 400
    assert response.get_json() == {"error": reason}


def test_a_missing_chain_is_refused() -> None:
    response = post(make_app(ChainServer({})).test_client(), body_of(envelope()))
    assert response.status_code == 400
    assert response.get_json() == {"error": "certificate chain could not be downloaded"}


class Trickle(io.RawIOBase):
    """A stream that hands out at most 1000 bytes per read, as sockets may."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readinto(self, buffer: Any) -> int:
        count = min(self.left, len(buffer), 1000)
        buffer[:count] = b"x" * count
        self.left -= count
        return count


def test_read_capped_reads_everything_up_to_the_limit_and_no_more() -> None:
    assert read_capped(Trickle(MAX_CHAIN_BYTES), MAX_CHAIN_BYTES) == b"x" * MAX_CHAIN_BYTES
    over = Trickle(10 * MAX_CHAIN_BYTES)
    assert read_capped(over, MAX_CHAIN_BYTES) is None
    assert over.left == 9 * MAX_CHAIN_BYTES - 1


def test_the_trust_store_skips_unreadable_roots() -> None:
    broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    store = load_store(broken + pem(pki().root))
    verifier = RequestVerifier(store, ChainServer())
    body = b"{}"
    verifier.verify_signature(signed_headers(body), body)
    with pytest.raises(ValueError):
        load_store(broken)


def test_the_default_trust_store_is_the_public_roots_and_not_the_test_pki() -> None:
    """certifi's roots, as production uses them: the test chain, valid under its own root, is
    refused as untrusted there (a store that took the test root in, or let anything pass, would
    show here)."""
    body = b"{}"
    RequestVerifier(pki().store, ChainServer()).verify_signature(signed_headers(body), body)
    with pytest.raises(VerificationFailed, match="certificate chain is not trusted"):
        RequestVerifier(default_store(), ChainServer()).verify_signature(signed_headers(body), body)


# The signature ------------------------------------------------------------------------------


def refused(changes: dict[str, str | None], body: bytes | None = None) -> str:
    """The reason a request with these signature header changes is refused with."""
    response = tampered(changes, body)
    assert response.status_code == 400
    reason: str = response.get_json()["error"]
    return reason


def test_no_signature() -> None:
    assert refused({"Signature-256": None}) == "no Signature-256 header"
    assert refused({"Signature-256": ""}) == "no Signature-256 header"


def test_sha1_signature_alone_is_refused() -> None:
    """Amazon moved to Signature-256 in 2022; a SHA-1 signature is no proof any more."""
    body = body_of(envelope())
    sha1 = sign(pki().leaf_key, body, hashes.SHA1())
    reason = refused({"Signature-256": None, "Signature": sha1}, body)
    assert reason == "SHA-1 Signature alone is not accepted"


def test_sha1_signature_beside_signature_256_is_ignored() -> None:
    assert tampered({"Signature": "bm90IGNoZWNrZWQ="}).status_code == 200


def test_signature_not_base64() -> None:
    assert refused({"Signature-256": "not base64!"}) == "Signature-256 is not base64"


def test_sha1_digest_in_signature_256() -> None:
    body = body_of(envelope())
    assert refused({"Signature-256": sign(pki().leaf_key, body, hashes.SHA1())}, body) == (
        "signature does not match the body"
    )


def test_signature_by_another_key() -> None:
    body = body_of(envelope())
    reason = refused({"Signature-256": sign(pki().rogue_key, body)}, body)
    assert reason == "signature does not match the body"


def test_body_changed_after_signing() -> None:
    """Same JSON meaning, other bytes: the signature covers the exact raw body."""
    payload = envelope()
    signature = pki().sign(body_of(payload))
    reformatted = body_of(payload).replace(b", ", b",")
    assert refused({"Signature-256": signature}, reformatted) == "signature does not match the body"


def test_signature_of_another_request() -> None:
    other = pki().sign(body_of(envelope()))
    assert refused({"Signature-256": other}) == "signature does not match the body"


def test_truncated_signature() -> None:
    body = body_of(envelope())
    assert refused({"Signature-256": pki().sign(body)[:-8]}, body) == "signature does not match the body"


# The timestamp ------------------------------------------------------------------------------


def at(moment: datetime, request: dict[str, object] | None = None) -> bytes:
    payload = envelope(request)
    payload["request"]["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return body_of(payload)


SKILL_ENABLED = {"type": "AlexaSkillEvent.SkillEnabled", "eventCreationTime": "2024-01-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("age", "request_body", "status"),
    [
        (timedelta(seconds=0), None, 200),
        (timedelta(seconds=149), None, 200),
        (timedelta(seconds=-149), None, 200),
        (timedelta(seconds=151), None, 400),
        (timedelta(seconds=-151), None, 400),
        (timedelta(minutes=59), None, 400),
        (timedelta(minutes=59), SKILL_ENABLED, 200),
        (timedelta(minutes=61), SKILL_ENABLED, 400),
        (timedelta(minutes=-61), SKILL_ENABLED, 400),
    ],
    ids=[
        "now",
        "149 s old",
        "149 s ahead",
        "151 s old",
        "151 s ahead",
        "59 min old launch",
        "59 min old skill event",
        "61 min old skill event",
        "61 min ahead skill event",
    ],
)
def test_timestamp_window(age: timedelta, request_body: dict[str, object] | None, status: int) -> None:
    client = make_app(clock=lambda: NOW + age).test_client()
    response = post(client, at(NOW, request_body))
    assert response.status_code == status, response.get_json()
    if status == 400:
        assert response.get_json() == {"error": "request timestamp is too far from now"}


def stamped(timestamp: object, **request: object) -> bytes:
    """A launch whose request carries this timestamp (any JSON value) and these other fields."""
    payload = envelope()
    payload["request"].update(request, timestamp=timestamp)
    return body_of(payload)


def iso(moment: datetime, offset: timedelta = timedelta(0), fraction: str = "") -> str:
    local = moment.astimezone(timezone(offset))
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + fraction + local.strftime("%z")
    return text[:-2] + ":" + text[-2:]


ACCEPTED_TIMESTAMPS = {
    "Z": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "milliseconds": NOW.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    "+00:00": iso(NOW),
    "nanoseconds": iso(NOW, fraction=".123456789"),
    "+05:30": iso(NOW, timedelta(hours=5, minutes=30)),
    "-23:59": iso(NOW, -timedelta(hours=23, minutes=59)),
}
REFUSED_TIMESTAMPS: dict[str, object] = {
    "time only": NOW.strftime("%H:%M:%S"),  # the lenient parser filled in the machine's today
    "date only": NOW.strftime("%Y-%m-%d"),
    "no zone": NOW.strftime("%Y-%m-%dT%H:%M:%S"),
    "space for T": NOW.strftime("%Y-%m-%d %H:%M:%SZ"),
    "+99:00": NOW.strftime("%Y-%m-%dT%H:%M:%S+99:00"),  # answered 500 before
    "+24:00": NOW.strftime("%Y-%m-%dT%H:%M:%S+24:00"),
    "+0000": NOW.strftime("%Y-%m-%dT%H:%M:%S+0000"),
    "lower case": NOW.strftime("%Y-%m-%dt%H:%M:%Sz"),
    "empty fraction": NOW.strftime("%Y-%m-%dT%H:%M:%S.Z"),
    "30 February": "2024-02-30T00:00:00Z",
    "hour 24": "2024-01-01T24:00:00Z",
    "Arabic-Indic digits": "\u0662\u0660\u0662\u0664-01-01T00:00:00Z",
    "empty": "",
    "number": 1_700_000_000,
    "true": True,
    "list": [],
    "object": {},
}


@pytest.mark.parametrize("timestamp", ACCEPTED_TIMESTAMPS.values(), ids=ACCEPTED_TIMESTAMPS.keys())
def test_every_iso_8601_form_alexa_may_send_is_accepted(timestamp: str) -> None:
    response = post(make_app(clock=lambda: NOW).test_client(), stamped(timestamp))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("timestamp", REFUSED_TIMESTAMPS.values(), ids=REFUSED_TIMESTAMPS.keys())
def test_anything_but_an_iso_8601_date_and_time_is_refused(timestamp: object) -> None:
    """Read from the raw JSON, so nothing is filled in from the machine's clock and no value of
    any type gets past the parser to a comparison."""
    with pytest.raises(VerificationFailed, match="not an ISO 8601 date and time"):
        parse_timestamp(timestamp)
    response = post(make_app(clock=lambda: NOW).test_client(), stamped(timestamp))
    assert response.status_code == 400
    assert response.get_json()["error"] in (
        "request timestamp is not an ISO 8601 date and time",
        "request body is not an Alexa request envelope",  # the SDK's parser refused it first
    )


def test_the_timestamp_window_reads_the_type_alexa_sent() -> None:
    """The SDK copies a request's unknown keys onto its model, so `object_type` in the JSON
    overwrites the type the SDK read. The check reads `type` from the JSON: a skill event's hour
    is not granted by a forged attribute, and a non-string one is no 500."""
    old = NOW - timedelta(minutes=30)
    client = make_app(clock=lambda: NOW).test_client()
    forged = post(
        client, stamped(old.strftime("%Y-%m-%dT%H:%M:%SZ"), object_type="AlexaSkillEvent.SkillEnabled")
    )
    assert forged.get_json() == {"error": "request timestamp is too far from now"}
    assert post(client, stamped(NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), object_type=True)).status_code == 200


def test_missing_timestamp() -> None:
    payload = envelope()
    del payload["request"]["timestamp"]
    response = post(make_app().test_client(), body_of(payload))
    assert response.status_code == 400
    assert response.get_json() == {"error": "request has no timestamp"}


def test_timestamp_check_can_be_turned_off() -> None:
    old = NOW - timedelta(hours=5)
    client = make_app(ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    assert post(client, at(old)).status_code == 200


alexa_times = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1),
)


PRECISION = {"auto": 1, "microseconds": 1, "milliseconds": 1000, "seconds": 1_000_000}
"""Each isoformat() precision, as the microseconds it keeps a multiple of."""


@given(alexa_times, st.sampled_from(sorted(PRECISION)), st.booleans())
def test_timestamps_in_every_iso_form_are_read_exactly(moment: datetime, timespec: str, zulu: bool) -> None:
    text = moment.isoformat(timespec=timespec)
    if zulu and moment.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    kept = moment.replace(microsecond=moment.microsecond - moment.microsecond % PRECISION[timespec])
    parsed = parse_timestamp(text)
    assert (parsed, parsed.utcoffset()) == (kept, kept.utcoffset())


@given(st.text(max_size=40) | st.text(alphabet="0123456789-+:.TZ ", max_size=40))
def test_any_timestamp_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        moment = parse_timestamp(text)
    except VerificationFailed:
        return
    assert moment.utcoffset() is not None
    assert abs(moment.utcoffset() or timedelta(0)) < timedelta(days=1)


# The cache ----------------------------------------------------------------------------------


def test_one_download_for_a_stream_of_requests() -> None:
    server = ChainServer()
    client = make_app(server).test_client()
    for _ in range(5):
        assert post(client, body_of(envelope())).status_code == 200
    assert server.fetched == [CHAIN_URL]


def test_each_url_has_its_own_entry() -> None:
    other = CHAIN_URL.replace("test.pem", "next.pem")
    server = ChainServer({CHAIN_URL: pki().chains["good"], other: pki().chains["expired"]})
    client = make_app(server).test_client()
    body = body_of(envelope())
    assert post(client, body).status_code == 200
    assert post(client, body, signed_headers(body, other)).status_code == 400
    assert post(client, body).status_code == 200
    assert server.fetched == [CHAIN_URL, other]


@pytest.mark.parametrize(
    ("chains", "reason"),
    [
        ({}, "certificate chain could not be downloaded"),
        ({CHAIN_URL: pki().chains["wrong_root"]}, "certificate chain is not trusted"),
    ],
    ids=["S3 has no chain there", "chain not trusted"],
)
def test_a_refusal_is_remembered_for_a_while_then_fetched_again(
    chains: dict[str, bytes], reason: str
) -> None:
    """Repeating a bad URL costs one download per FAILURE_MEMORY, not one per request, and the
    short memory of a transient failure does not apply to it; once FAILURE_MEMORY has passed (a
    fake clock moves it), the URL is fetched and judged afresh."""
    moment = [NOW]
    server = ChainServer(chains)
    client = make_app(server, clock=lambda: moment[0], ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    for _ in range(3):
        assert post(client, body_of(envelope())).get_json() == {"error": reason}
    server.chains[CHAIN_URL] = pki().chains["good"]
    for later in (TRANSIENT_FAILURE_MEMORY, FAILURE_MEMORY - timedelta(seconds=1)):
        moment[0] = NOW + later
        assert post(client, body_of(envelope())).get_json() == {"error": reason}
    assert server.fetched == [CHAIN_URL]
    moment[0] = NOW + FAILURE_MEMORY
    assert post(client, body_of(envelope())).status_code == 200
    assert server.fetched == [CHAIN_URL, CHAIN_URL]


TRANSIENT_FAULTS = {
    "connection refused": ConnectionRefusedError(111, "Connection refused"),
    "timeout": TimeoutError("timed out"),
    "S3 500": http_error(CHAIN_URL, 500),
    "S3 503": http_error(CHAIN_URL, 503),
    "connection dropped": http.client.RemoteDisconnected("Remote end closed connection without response"),
}
"""What the network or S3 may do for a few seconds; urllib raises each of these as it is."""


@pytest.mark.parametrize("fault", TRANSIENT_FAULTS.values(), ids=TRANSIENT_FAULTS.keys())
def test_a_transient_download_failure_is_remembered_briefly_then_retried(fault: Exception) -> None:
    """A fault on the way judged nothing: requests are refused for TRANSIENT_FAILURE_MEMORY on
    the strength of one download, then the next request downloads again and gets in."""
    moment = [NOW]
    server = ChainServer(failures=[fault])
    client = make_app(server, clock=lambda: moment[0], ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    for _ in range(3):
        assert post(client, body_of(envelope())).get_json() == {
            "error": "certificate chain could not be downloaded"
        }
    moment[0] = NOW + TRANSIENT_FAILURE_MEMORY - timedelta(seconds=1)
    assert post(client, body_of(envelope())).status_code == 400
    assert server.fetched == [CHAIN_URL]
    moment[0] = NOW + TRANSIENT_FAILURE_MEMORY
    assert post(client, body_of(envelope())).status_code == 200
    assert post(client, body_of(envelope())).status_code == 200
    assert server.fetched == [CHAIN_URL, CHAIN_URL]


def test_after_the_short_window_a_passing_fault_heals_while_an_untrusted_chain_stays_refused() -> None:
    """One service, two URLs: Amazon's, whose download fails once with a connection error, and
    one serving an untrusted chain. After TRANSIENT_FAILURE_MEMORY the first is fetched again
    and accepted; the second is still refused without another download until FAILURE_MEMORY."""
    untrusted = CHAIN_URL.replace("test.pem", "untrusted.pem")
    moment = [NOW]
    server = ChainServer({CHAIN_URL: pki().chains["good"], untrusted: pki().chains["wrong_root"]})
    client = make_app(server, clock=lambda: moment[0], ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    body = body_of(envelope())
    server.failures.append(ConnectionRefusedError(111, "Connection refused"))
    assert post(client, body).get_json() == {"error": "certificate chain could not be downloaded"}
    assert post(client, body, signed_headers(body, untrusted)).get_json() == {
        "error": "certificate chain is not trusted"
    }
    moment[0] = NOW + TRANSIENT_FAILURE_MEMORY
    assert post(client, body).status_code == 200
    assert post(client, body, signed_headers(body, untrusted)).get_json() == {
        "error": "certificate chain is not trusted"
    }
    assert server.fetched == [CHAIN_URL, untrusted, CHAIN_URL]
    moment[0] = NOW + FAILURE_MEMORY
    assert post(client, body, signed_headers(body, untrusted)).status_code == 400
    assert server.fetched == [CHAIN_URL, untrusted, CHAIN_URL, untrusted]


def test_the_short_window_counts_from_the_failure_not_from_the_request() -> None:
    """A download that times out took its timeout: the window starts when it failed, so the
    next request does not download again at once (the clock moves as the download waits)."""
    moment = [NOW]
    wait = timedelta(seconds=3)

    class TimingOut(ChainServer):
        def __call__(self, url: str) -> bytes:
            moment[0] += wait
            return super().__call__(url)

    server = TimingOut(failures=[TimeoutError("timed out")])
    client = make_app(server, clock=lambda: moment[0], ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    assert post(client, body_of(envelope())).status_code == 400
    moment[0] = NOW + wait + TRANSIENT_FAILURE_MEMORY - timedelta(seconds=1)
    assert post(client, body_of(envelope())).status_code == 400
    assert server.fetched == [CHAIN_URL]
    moment[0] = NOW + wait + TRANSIENT_FAILURE_MEMORY
    assert post(client, body_of(envelope())).status_code == 200
    assert server.fetched == [CHAIN_URL, CHAIN_URL]


def test_made_up_urls_never_push_amazons_chain_out_of_the_cache() -> None:
    server = ChainServer()
    client = make_app(server).test_client()
    body = body_of(envelope())
    assert post(client, body).status_code == 200
    made_up = [CHAIN_URL.replace("test.pem", f"made-up-{n}.pem") for n in range(CACHE_SIZE + 1)]
    for url in made_up:
        assert post(client, body, signed_headers(body, url)).status_code == 400
    assert post(client, body).status_code == 200
    assert server.fetched == [CHAIN_URL, *made_up]


def test_a_cached_chain_expires_with_its_leaf() -> None:
    """The good leaf ends a year from now: after that, the chain is fetched and judged again."""
    moment = [NOW]
    server = ChainServer()
    client = make_app(server, clock=lambda: moment[0], ASK_SDK_VERIFY_TIMESTAMP=False).test_client()
    assert post(client, body_of(envelope())).status_code == 200
    moment[0] = NOW + timedelta(days=364)
    assert post(client, body_of(envelope())).status_code == 200
    assert len(server.fetched) == 1
    moment[0] = NOW + timedelta(days=366)
    assert post(client, body_of(envelope())).status_code == 400
    assert len(server.fetched) == 2


def test_the_cache_is_bounded_and_keeps_recent_entries() -> None:
    entries: Expiring[str] = Expiring(size=2)
    for url in ("a", "b"):
        entries.put(url, url, NOW + DAY)
    assert entries.get("a", NOW) == "a"
    entries.put("c", "c", NOW + DAY)
    assert [entries.get(url, NOW) for url in ("a", "b", "c")] == ["a", None, "c"]
    assert entries.get("a", NOW + DAY) is None


class Waiters(logging.Handler):
    """Sets `all_waiting` once `expected` requests have said they wait for a download already
    under way: the test knows they are queued without sleeping or polling."""

    def __init__(self, expected: int) -> None:
        super().__init__(logging.DEBUG)
        self.expected = expected
        self.count = 0
        self.all_waiting = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("waiting for the certificate chain download"):
            self.count += 1
            if self.count == self.expected:
                self.all_waiting.set()


class HeldServer(ChainServer):
    """Stands in for a slow S3: each download starts, then waits until the test releases it."""

    def __init__(self, chains: dict[str, bytes]) -> None:
        super().__init__(chains)
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, url: str) -> bytes:
        self.started.set()
        assert self.release.wait(timeout=30), "the test never released the download"
        return super().__call__(url)


@pytest.mark.parametrize(
    ("chains", "failures", "status"),
    [
        ({CHAIN_URL: pki().chains["good"]}, [], 200),
        ({}, [], 400),
        ({CHAIN_URL: pki().chains["good"]}, [ConnectionResetError(104, "Connection reset by peer")], 400),
    ],
    ids=["download succeeds", "no chain there", "download fails on the way"],
)
def test_parallel_first_requests_wait_for_one_download(
    chains: dict[str, bytes], failures: list[Exception], status: int
) -> None:
    """Eight requests for a URL nobody has fetched yet: the first downloads, the other seven wait
    for its outcome and share it, whether a key, a refusal or a transient failure."""
    server = HeldServer(chains)
    server.failures.extend(failures)
    app = make_app(server)
    body = body_of(envelope())
    waiters = Waiters(expected=7)
    logger = logging.getLogger("skill.verify")
    level = logger.level
    logger.addHandler(waiters)
    logger.setLevel(logging.DEBUG)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            first = pool.submit(post, app.test_client(), body)
            assert server.started.wait(timeout=30)
            others = [pool.submit(post, app.test_client(), body) for _ in range(7)]
            assert waiters.all_waiting.wait(timeout=30)
            server.release.set()
            statuses = [future.result().status_code for future in (first, *others)]
    finally:
        logger.removeHandler(waiters)
        logger.setLevel(level)
    assert statuses == [status] * 8
    assert server.fetched == [CHAIN_URL]


def test_concurrent_requests_share_one_verifier() -> None:
    server = ChainServer()
    verifier = RequestVerifier(pki().store, server, lambda: datetime.now(UTC))
    bodies = [body_of(envelope()) for _ in range(32)]

    def verify(body: bytes) -> None:
        verifier.verify_signature(signed_headers(body), body)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(verify, bodies))
    assert server.fetched == [CHAIN_URL]


def verify_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the verifier logged, message by message (exact text, not a substring)."""
    return [record.getMessage() for record in caplog.records if record.name == "skill.verify"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (CHAIN_URL + "a" * 300, "certificate URL is too long"),
        (
            "https://s3.amazonaws.com/echo.api/echo%20api.pem",
            "certificate URL has characters Amazon's URLs never have",
        ),
        ("http://s3.amazonaws.com/echo.api/echo-api.pem", "certificate URL is not https"),
        (
            "https://s3.amazonaws.com.evil/echo.api/echo-api.pem",
            "certificate URL host or port is not s3.amazonaws.com:443",
        ),
        ("https://s3.amazonaws.com/other/echo-api.pem", "certificate URL path is not under /echo.api/"),
    ],
)
def test_each_url_rule_says_which_rule(url: str, reason: str) -> None:
    with pytest.raises(VerificationFailed) as refused_url:
        check_chain_url(url)
    assert str(refused_url.value) == reason


def test_a_signature_with_characters_outside_base64_is_refused_as_such() -> None:
    """Decoding that skipped the odd characters would read "AAAA AAAA!" as valid base64."""
    assert refused({"Signature-256": "AAAA AAAA!"}) == "Signature-256 is not base64"


def test_each_refused_chain_is_logged_once_with_its_kind_and_cause(caplog: pytest.LogCaptureFixture) -> None:
    """One line per download that failed (a remembered refusal is not logged again), saying
    whether it is transient or a trust failure, for how long it is remembered, and why."""
    servers = (
        ChainServer(failures=[ConnectionRefusedError(111, "Connection refused")]),
        ChainServer({}),
        ChainServer({CHAIN_URL: pki().chains["expired"]}),
        ChainServer({CHAIN_URL: pki().chains["wildcard_san"]}),
    )
    with caplog.at_level(logging.WARNING, logger="skill.verify"):
        for server in servers:
            verifier = RequestVerifier(pki().store, server, lambda: NOW)
            for _ in range(2):
                with pytest.raises(VerificationFailed):
                    verifier.signing_key(CHAIN_URL)
    transient = f"certificate chain refused, a transient failure remembered for 5 s: {CHAIN_URL}: "
    trust = f"certificate chain refused, a trust failure remembered for 60 s: {CHAIN_URL}: "
    refused, missing, expired, wildcard = verify_log(caplog)
    assert refused == transient + "certificate chain could not be downloaded ([Errno 111] Connection refused)"
    assert missing == trust + "certificate chain could not be downloaded (HTTP Error 404: status 404)"
    assert expired.startswith(trust + "certificate chain is not trusted (") and expired.endswith(")")
    assert wildcard == trust + "signing certificate does not name echo-api.amazon.com"


def test_a_chain_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not() -> None:
    chain = pki().chains["good"]
    exact = chain + b"\n" * (MAX_CHAIN_BYTES - len(chain))
    verifier = RequestVerifier(pki().store, ChainServer({CHAIN_URL: exact}), lambda: NOW)
    verifier.fetch_key(CHAIN_URL, NOW)
    too_large = RequestVerifier(pki().store, ChainServer({CHAIN_URL: exact + b"\n"}), lambda: NOW)
    with pytest.raises(VerificationFailed, match=r"^certificate chain is too large$"):
        too_large.fetch_key(CHAIN_URL, NOW)
