"""Test helpers for the voice routes: a local certificate authority that signs like Alexa."""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VOICE_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "voice"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
SKILL_ID = "amzn1.ask.skill.8f7c2a51-6d0e-4b8a-9c3f-2e1d4b5a6c70"


def fixture(name: str) -> dict:
    """Return a fresh copy of a voice request fixture."""
    return json.loads((VOICE_FIXTURES / name).read_text())


def alexa_body(name: str, **request_changes) -> dict:
    """Return an Alexa fixture stamped with the current time, as Alexa sends it."""
    body = copy.deepcopy(fixture(name))
    body["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body["request"].update(request_changes)
    return body


def ssml_text(ssml: str) -> str:
    """Parse SSML as XML (failing on anything malformed) and return its spoken text."""
    root = ElementTree.fromstring(ssml)
    assert root.tag == "speak"
    return " ".join(" ".join(root.itertext()).split())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca(
    subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class SigningChain:
    """A signing certificate and the chain Alexa would publish for it."""

    key: rsa.RSAPrivateKey
    pem: bytes

    def sign(self, body: bytes) -> str:
        """Return the Signature-256 header value for body."""
        raw = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()


@dataclass
class LocalAuthority:
    """A root (the trust store), an intermediate, and signing certificates issued under them."""

    root: x509.Certificate
    root_key: rsa.RSAPrivateKey
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    leaf_key: rsa.RSAPrivateKey = field(default_factory=_key)

    def chain(
        self,
        san: str = "echo-api.amazon.com",
        valid_from: datetime | None = None,
        valid_to: datetime | None = None,
    ) -> SigningChain:
        """Issue a signing certificate and return it with its PEM chain (leaf, intermediate)."""
        now = datetime.now(UTC)
        start = valid_from or min(now, valid_to or now) - timedelta(days=30)
        end = valid_to or max(now, start) + timedelta(days=30)
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name(san))
            .issuer_name(self.intermediate.subject)
            .public_key(self.leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, True, False, False, False, False, False, False),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate_key.public_key()
                ),
                False,
            )
            .sign(self.intermediate_key, hashes.SHA256())
        )
        pem = b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in (leaf, self.intermediate)
        )
        return SigningChain(self.leaf_key, pem)


def make_authority(name: str = "Test Root CA") -> LocalAuthority:
    """Generate a root and an intermediate CA, as Amazon's chain has."""
    root_key, intermediate_key = _key(), _key()
    root = _ca(name, root_key, None, root_key)
    intermediate = _ca(f"{name} Intermediate", intermediate_key, root, root_key)
    return LocalAuthority(root, root_key, intermediate, intermediate_key)


class CertHost:
    """Serves chains by URL in place of S3, and counts fetches (to check the cache)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fetches: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetches.append(url)
        if url not in self.files:
            raise OSError(f"404 for {url}")
        return self.files[url]
