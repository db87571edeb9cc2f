"""A test PKI shaped like Amazon's: root -> intermediate -> echo-api.amazon.com leaf, plus the
broken variants every check must refuse. Real keys, real signatures; only the network is gone.

`pki()` builds everything once per test session (2048-bit RSA keys take a while).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

SIGNING_DOMAIN = "echo-api.amazon.com"
CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Muscle Twitch Guide tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def issue(
    subject: x509.Name,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    san: str | None = None,
    usages: tuple[x509.ObjectIdentifier, ...] = (ExtendedKeyUsageOID.SERVER_AUTH,),
    not_before: datetime = NOW - DAY,
    not_after: datetime = NOW + 365 * DAY,
) -> x509.Certificate:
    """One certificate with the extensions a public web PKI expects (issuer None: self-signed)."""
    public = key.public_key()
    issuer_public = issuer_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
    if san is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def sign(key: rsa.RSAPrivateKey, body: bytes, algorithm: hashes.HashAlgorithm | None = None) -> str:
    """A base64 PKCS#1 v1.5 signature, as Alexa puts in Signature-256 (SHA-256) or the old
    SHA-1 `Signature` header."""
    signature = key.sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


BROKEN = (
    "expired",
    "not_yet_valid",
    "wrong_san",
    "no_san",
    "client_only",
    "self_signed",
    "wrong_root",
    "missing_intermediate",
    "ec_leaf",
)
"""Chains refused as untrusted (the EC leaf: as having no RSA key)."""
ACCEPTED = ("good", "upper_san", "mixed_case_san")
"""Chains Amazon's rules accept: DNS names are case-insensitive (RFC 4343), so a leaf naming
`ECHO-API.AMAZON.COM` names echo-api.amazon.com."""
PASSES_PATH_VALIDATION = ("wildcard_san", "rsa_1024")
"""Chains a web-PKI verifier accepts for echo-api.amazon.com but Amazon's rules do not: a leaf
named only `*.amazon.com`, and a leaf with a 1024-bit key (`short_key`)."""


@dataclass(frozen=True)
class PKI:
    root: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    rogue_key: rsa.RSAPrivateKey
    short_key: rsa.RSAPrivateKey
    chains: dict[str, bytes]
    """Chain PEM (leaf first, as Amazon serves it) per variant: the ACCEPTED ones, the BROKEN ones
    and those that only PASSES_PATH_VALIDATION."""

    @property
    def store(self) -> Store:
        return Store([self.root])

    def sign(self, body: bytes) -> str:
        return sign(self.leaf_key, body)


@functools.cache
def pki() -> PKI:
    root_key, intermediate_key, leaf_key, rogue_key = (new_key() for _ in range(4))
    short_key = new_key(1024)
    ca_period: dict[str, Any] = {"ca": True, "not_before": NOW - 1000 * DAY, "not_after": NOW + 1000 * DAY}
    root = issue(name("Test Root CA"), root_key, None, root_key, **ca_period)
    intermediate = issue(name("Test Intermediate CA"), intermediate_key, root, root_key, **ca_period)
    # The attacker's look-alike hierarchy: the same names, its own key.
    rogue_root = issue(name("Test Root CA"), rogue_key, None, rogue_key, **ca_period)
    rogue_intermediate = issue(name("Test Intermediate CA"), rogue_key, rogue_root, rogue_key, **ca_period)

    def leaf(
        issuer: x509.Certificate | None = intermediate,
        issuer_key: rsa.RSAPrivateKey = intermediate_key,
        **changes: Any,
    ) -> x509.Certificate:
        settings: dict[str, Any] = {"key": leaf_key, "ca": False, "san": SIGNING_DOMAIN, **changes}
        return issue(name(SIGNING_DOMAIN), issuer=issuer, issuer_key=issuer_key, **settings)

    good = leaf()
    chains = {
        "good": pem(good, intermediate),
        "expired": pem(leaf(not_before=NOW - 400 * DAY, not_after=NOW - DAY), intermediate),
        "not_yet_valid": pem(leaf(not_before=NOW + DAY, not_after=NOW + 30 * DAY), intermediate),
        "wrong_san": pem(leaf(san="echo-api.amazon.com.evil.example"), intermediate),
        "no_san": pem(leaf(san=None), intermediate),
        "client_only": pem(leaf(usages=(ExtendedKeyUsageOID.CLIENT_AUTH,)), intermediate),
        "self_signed": pem(leaf(None, leaf_key)),
        "wrong_root": pem(leaf(rogue_intermediate, rogue_key), rogue_intermediate, rogue_root),
        "missing_intermediate": pem(good),
        "ec_leaf": pem(leaf(key=ec.generate_private_key(ec.SECP256R1())), intermediate),
        "upper_san": pem(leaf(san=SIGNING_DOMAIN.upper()), intermediate),
        "mixed_case_san": pem(leaf(san="Echo-Api.Amazon.Com"), intermediate),
        "wildcard_san": pem(leaf(san="*.amazon.com"), intermediate),
        "rsa_1024": pem(leaf(key=short_key), intermediate),
    }
    return PKI(root=root, leaf_key=leaf_key, rogue_key=rogue_key, short_key=short_key, chains=chains)
