"""Bearer tokens: local HS256 tokens, an OIDC issuer's RS256 tokens fetched from its JWKS over real
HTTP, and settings that must never run in production."""

import json
import secrets
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from shared.auth import (
    DEVELOPMENT_SECRET,
    AuthSettings,
    ConfigurationError,
    InvalidToken,
    mint_token,
    token_verifier,
)
from shared.time import utc_now


async def test_a_locally_minted_token_names_its_owner_and_a_forged_one_is_refused() -> None:
    owner_of = token_verifier(AuthSettings(), environment="development")
    assert (await owner_of(mint_token(secret=DEVELOPMENT_SECRET, owner_id="alice"))).owner_id == "alice"
    with pytest.raises(InvalidToken, match="Signature"):
        await owner_of(mint_token(secret="x" * 40, owner_id="alice"))
    with pytest.raises(InvalidToken, match="expired"):
        await owner_of(mint_token(secret=DEVELOPMENT_SECRET, owner_id="alice", ttl=timedelta(seconds=-1)))


@pytest.mark.parametrize(
    ("secret", "reason"),
    [(None, "outside development"), (DEVELOPMENT_SECRET, "outside development"), ("short", "at least 32")],
)
def test_production_refuses_missing_placeholder_and_short_secrets(secret: str | None, reason: str) -> None:
    settings = AuthSettings(jwt_secret=SecretStr(secret) if secret else None)
    with pytest.raises(ConfigurationError, match=reason):
        token_verifier(settings, environment="production")


@pytest.fixture
def issuer() -> Iterator[tuple[str, Any]]:
    """An OIDC issuer's JWKS endpoint on loopback, and its private key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()


async def test_oidc_tokens_are_checked_for_signature_issuer_and_audience(issuer: tuple[str, Any]) -> None:
    jwks_url, key = issuer
    settings = AuthSettings(
        oidc_issuer="https://id.campus.example", oidc_audience="keepwarm", oidc_jwks_url=jwks_url
    )
    owner_of = token_verifier(settings, environment="production")

    def token(**claims: Any) -> str:
        base = {
            "sub": "student-7",
            "iss": "https://id.campus.example",
            "aud": "keepwarm",
            "exp": utc_now() + timedelta(minutes=5),
        }
        return jwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": "k1"})

    assert (await owner_of(token())).owner_id == "student-7"
    with pytest.raises(InvalidToken, match=r"(?i)audience"):
        await owner_of(token(aud="another-app"))
    with pytest.raises(InvalidToken, match=r"(?i)issuer"):
        await owner_of(token(iss="https://evil.example"))
    with pytest.raises(InvalidToken):
        await owner_of(mint_token(secret=DEVELOPMENT_SECRET, owner_id="student-7"))


def test_oidc_needs_issuer_and_audience() -> None:
    with pytest.raises(ConfigurationError, match="ISSUER"):
        token_verifier(AuthSettings(oidc_jwks_url="http://127.0.0.1:1/jwks"), environment="production")


async def test_a_token_that_lives_too_long_is_refused() -> None:
    owner_of = token_verifier(AuthSettings(), environment="development")
    forever = jwt.encode(
        {"sub": "student-1", "iat": utc_now(), "exp": 253402300799}, DEVELOPMENT_SECRET, algorithm="HS256"
    )  # 9999-12-31
    with pytest.raises(InvalidToken, match="longer than 90 days"):
        await owner_of(forever)
    assert (
        await owner_of(mint_token(secret=DEVELOPMENT_SECRET, owner_id="s", ttl=timedelta(days=89)))
    ).owner_id == "s"


@pytest.mark.parametrize("secret", [" " * 32, "a" * 32, "abababababababababababababababab", "0123456789" * 4])
def test_production_refuses_a_secret_that_is_long_but_not_random(secret: str) -> None:
    with pytest.raises(ConfigurationError, match="random characters"):
        token_verifier(AuthSettings(jwt_secret=SecretStr(secret)), environment="production")


def test_production_takes_a_random_secret() -> None:
    token_verifier(AuthSettings(jwt_secret=SecretStr(secrets.token_urlsafe(32))), environment="production")
