"""Check that a request really comes from Alexa, by Amazon's rules for skills hosted over HTTPS.

The rules: the SignatureCertChainUrl header names a PEM chain on s3.amazonaws.com under
/echo.api/ (https, port 443); the chain's signing certificate is valid now, names
echo-api.amazon.com, and chains to a trusted root; the Signature-256 header is the base64
RSA-SHA256 signature of the raw body by that certificate; the request's timestamp is within
150 seconds of now. Amazon's own Python verifier (ask-sdk-webservice-support) depends on
oscrypto, which cannot load OpenSSL 3 and takes no trust store, so the checks are made here
with the `cryptography` library's own X.509 path validation.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import posixpath
import threading
import time
import urllib.request
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
SIGNING_DOMAIN = "echo-api.amazon.com"
MAX_CLOCK_SKEW = timedelta(seconds=150)
MAX_CHAIN_BYTES = 64 * 1024
FETCH_TIMEOUT_SECONDS = 5
# Amazon rotates the chain rarely; a few URLs cover every chain in use at once.
CACHE_SIZE = 8
# Fetches of chains not in the cache, per process and minute: each is an outbound request that
# anyone can cause with a made-up URL under /echo.api/, before any signature is checked.
FETCHES_PER_MINUTE = 10

Fetcher = Callable[[str], bytes]


class VerificationFailed(Exception):
    """The request is not proven to come from Alexa; the message says which check failed."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def check_cert_url(url: str) -> None:
    """Raise VerificationFailed unless url is where Amazon publishes its signing chains."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationFailed("bad_cert_url", "the certificate URL is malformed") from exc
    if parts.scheme.lower() != "https":
        raise VerificationFailed("bad_cert_url", "the certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationFailed("bad_cert_url", f"the certificate URL must be on {CERT_URL_HOST}")
    if port not in (None, 443):
        raise VerificationFailed("bad_cert_url", "the certificate URL must use port 443")
    if "?" in url or "#" in url:
        # S3 ignores them, so each spelling would be one more fetch and one more cache entry.
        raise VerificationFailed(
            "bad_cert_url", "the certificate URL must not have a query or a fragment"
        )
    # "/echo.api/../x" leaves Amazon's folder: judge the path as S3 will resolve it.
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationFailed(
            "bad_cert_url", f"the certificate URL path must start with {CERT_URL_PATH_PREFIX}"
        )


def fetch_https(url: str) -> bytes:
    """Download a certificate chain (bounded in size and time)."""
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise ValueError("the certificate chain is too large")
    return data


def default_trust_roots() -> list[x509.Certificate]:
    """Return the public root certificates (Mozilla's list, as shipped by certifi)."""
    import certifi

    with warnings.catch_warnings():
        # A few long-trusted roots (Starfield's among them) carry a negative serial number,
        # which RFC 5280 disallows and cryptography warns about; they are still trusted roots.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(Path(certifi.where()).read_bytes())


def check_timestamp(timestamp: object, now: datetime | None = None) -> None:
    """Raise VerificationFailed unless timestamp (ISO 8601) is within 150 seconds of now."""
    if not isinstance(timestamp, str):
        raise VerificationFailed("bad_timestamp", "the request has no timestamp")
    try:
        when = datetime.fromisoformat(timestamp)
    except ValueError as exc:
        raise VerificationFailed("bad_timestamp", "the request timestamp is not a date") from exc
    if when.tzinfo is None:
        raise VerificationFailed("bad_timestamp", "the request timestamp has no time zone")
    now = now or datetime.now(UTC)
    if abs(now - when) > MAX_CLOCK_SKEW:
        raise VerificationFailed(
            "stale_request", "the request timestamp is more than 150 seconds from now"
        )


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Return a header's value whatever its case (Flask's headers already ignore case)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


class _Flight:
    """One fetch of a chain under way: later requests for the URL wait for its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.certs: list[x509.Certificate] | None = None
        self.error: VerificationFailed | None = None


class AlexaRequestVerifier:
    """Verify Alexa's request signatures; certificate chains are cached by URL.

    Only chains that validated are cached. An uncached URL is fetched once however many
    requests name it at the same time, and at most FETCHES_PER_MINUTE times a minute in all.
    """

    def __init__(
        self,
        trust_roots: Sequence[x509.Certificate] | None = None,
        fetch: Fetcher | None = None,
    ):
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self._fetch = fetch or fetch_https
        self._cache: OrderedDict[str, list[x509.Certificate]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._fetched_at: deque[float] = deque()

    def _trust_store(self) -> Store:
        # Loading the public roots takes a moment: only when the first request needs them.
        if self._store is None:
            self._store = Store(self._roots if self._roots is not None else default_trust_roots())
        return self._store

    def chain(self, url: str) -> list[x509.Certificate]:
        """Return the certificate chain at url: from the cache, or fetched (not yet cached)."""
        with self._lock:
            if url in self._cache:
                self._cache.move_to_end(url)
                return self._cache[url]
            flight = self._flights.get(url)
            leader = flight is None
            if leader:
                self._spend_fetch()
                flight = self._flights[url] = _Flight()
        if not leader:
            flight.done.wait(FETCH_TIMEOUT_SECONDS + 1)
            if flight.certs is None:
                raise flight.error or VerificationFailed(
                    "bad_certificate", "the certificate chain could not be fetched"
                )
            return flight.certs
        try:
            flight.certs = self._download(url)
            return flight.certs
        except VerificationFailed as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[url]
            flight.done.set()

    def _spend_fetch(self) -> None:
        """Count one fetch against the rate cap (the caller holds the lock); raise when spent."""
        now = time.monotonic()
        while self._fetched_at and now - self._fetched_at[0] > 60:
            self._fetched_at.popleft()
        if len(self._fetched_at) >= FETCHES_PER_MINUTE:
            raise VerificationFailed(
                "bad_certificate",
                "too many new certificate URLs in the last minute; the chain was not fetched",
            )
        self._fetched_at.append(now)

    def _download(self, url: str) -> list[x509.Certificate]:
        try:
            data = self._fetch(url)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise VerificationFailed(
                "bad_certificate", "the certificate chain could not be fetched"
            ) from exc
        try:
            return x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise VerificationFailed(
                "bad_certificate", "the certificate chain is unreadable"
            ) from exc

    def _remember(self, url: str, certs: list[x509.Certificate]) -> None:
        # Only chains that validated are kept, so junk URLs cannot push Amazon's chain out.
        with self._lock:
            self._cache[url] = certs
            self._cache.move_to_end(url)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime | None = None) -> None:
        """Raise VerificationFailed unless body was signed by Alexa's current certificate."""
        url = header(headers, CERT_URL_HEADER)
        signature = header(headers, SIGNATURE_HEADER)
        if not url or not signature:
            raise VerificationFailed(
                "missing_signature",
                f"the {CERT_URL_HEADER} and {SIGNATURE_HEADER} headers are required",
            )
        check_cert_url(url)
        now = now or datetime.now(UTC)
        certs = self.chain(url)
        leaf, *intermediates = certs
        if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
            raise VerificationFailed("bad_certificate", "the signing certificate is not valid now")
        if SIGNING_DOMAIN not in _dns_names(leaf):
            raise VerificationFailed(
                "bad_certificate", f"the signing certificate is not issued to {SIGNING_DOMAIN}"
            )
        verifier = (
            PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(DNSName(SIGNING_DOMAIN))
        )
        try:
            verifier.verify(leaf, intermediates)
        except (VerificationError, ValueError) as exc:
            raise VerificationFailed(
                "bad_certificate", "the signing certificate does not chain to a trusted root"
            ) from exc
        self._remember(url, certs)
        _check_signature(leaf, signature, body)


def _dns_names(cert: x509.Certificate) -> list[str]:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):  # absent, or malformed extensions
        return []
    return names.get_values_for_type(x509.DNSName)


def _check_signature(cert: x509.Certificate, signature: str, body: bytes) -> None:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationFailed("bad_signature", "the signature is not base64") from exc
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise VerificationFailed("bad_certificate", "the signing key is unreadable") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationFailed("bad_certificate", "the signing certificate has no RSA key")
    try:
        key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise VerificationFailed("bad_signature", "the signature does not match the body") from exc
