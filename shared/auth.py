"""Who is calling: ``Authorization: Bearer <JWT>``, the owner is the token's ``sub`` and its
``roles`` claim (a list of names, as OIDC issuers put it) says what else the caller may do.

Production validates an OIDC issuer's tokens (issuer, audience, keys from its JWKS URL). Locally a
shared secret signs HS256 tokens (``keepwarm token <owner>`` mints one). Outside development a
missing or placeholder secret is refused at start-up, never silently accepted.
"""

import asyncio
import math
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import logs
from shared.time import utc_now

DEVELOPMENT_SECRET = "keepwarm-development-secret-not-for-deployment"
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEEPWARM_AUTH_", extra="ignore")

    jwt_secret: SecretStr | None = Field(default=None, description="HS256 secret for locally minted tokens.")
    oidc_issuer: str | None = Field(default=None, description="Expected `iss` of OIDC tokens.")
    oidc_audience: str | None = Field(default=None, description="Expected `aud` of OIDC tokens.")
    oidc_jwks_url: str | None = Field(default=None, description="Where the issuer publishes its keys.")
    link_secret: SecretStr | None = Field(
        default=None,
        description="Signs nudges' action links (required for them in production; shared by the services).",
    )
    max_token_days: int = Field(
        default=90, ge=1, le=366, description="Tokens that expire later than this from now are refused."
    )


class InvalidToken(ValueError):
    pass


class ConfigurationError(RuntimeError):
    """Settings that must not run (e.g. a placeholder secret in production)."""


@dataclass(frozen=True)
class Caller:
    owner_id: str
    roles: frozenset[str] = frozenset()


OwnerOf = Callable[[str], Awaitable[Caller]]


def token_verifier(settings: AuthSettings, *, environment: str) -> OwnerOf:
    """A function from a bearer token to its owner id; raises :class:`InvalidToken`."""
    if settings.oidc_jwks_url:
        if not (settings.oidc_issuer and settings.oidc_audience):
            raise ConfigurationError("OIDC needs KEEPWARM_AUTH_OIDC_ISSUER and KEEPWARM_AUTH_OIDC_AUDIENCE")
        return _oidc_verifier(
            settings.oidc_jwks_url,
            settings.oidc_issuer,
            settings.oidc_audience,
            max_lifetime=timedelta(days=settings.max_token_days),
        )
    secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    if environment != "development":
        if not secret or secret == DEVELOPMENT_SECRET:
            raise ConfigurationError(
                "set KEEPWARM_AUTH_OIDC_* or a real KEEPWARM_AUTH_JWT_SECRET outside development"
            )
        if len(secret) < MIN_SECRET_LENGTH or entropy_bits(secret) < MIN_SECRET_BITS or len(set(secret)) < 16:
            raise ConfigurationError(
                f"KEEPWARM_AUTH_JWT_SECRET must be at least {MIN_SECRET_LENGTH} random characters "
                f"(about {MIN_SECRET_BITS} bits), e.g. from secrets.token_urlsafe(32)"
            )
    return _secret_verifier(
        secret or DEVELOPMENT_SECRET, max_lifetime=timedelta(days=settings.max_token_days)
    )


def local_secret(settings: AuthSettings) -> str:
    return settings.jwt_secret.get_secret_value() if settings.jwt_secret else DEVELOPMENT_SECRET


def mint_token(
    *, secret: str, owner_id: str, ttl: timedelta = timedelta(days=30), roles: Collection[str] = ()
) -> str:
    now = utc_now()
    claims: dict[str, Any] = {"sub": owner_id, "iat": now, "exp": now + ttl}
    if roles:
        claims["roles"] = sorted(roles)
    return jwt.encode(claims, secret, algorithm="HS256")


def _secret_verifier(secret: str, *, max_lifetime: timedelta) -> OwnerOf:
    async def owner_of(token: str) -> Caller:
        return _caller(
            lambda: jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]}),
            max_lifetime=max_lifetime,
        )

    return owner_of


def _oidc_verifier(jwks_url: str, issuer: str, audience: str, *, max_lifetime: timedelta) -> OwnerOf:
    keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600)

    async def owner_of(token: str) -> Caller:
        try:
            key = await asyncio.to_thread(keys.get_signing_key_from_jwt, token)
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        return _caller(
            lambda: jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=audience,
                issuer=issuer,
                options={"require": ["sub", "exp", "iss", "aud"]},
            ),
            max_lifetime=max_lifetime,
        )

    return owner_of


def entropy_bits(secret: str) -> float:
    """The secret's Shannon entropy in bits, from the spread of its characters: 32 spaces hold
    none, 32 random URL-safe characters about 150."""
    counts = Counter(secret)
    return -sum(n * math.log2(n / len(secret)) for n in counts.values())


def _caller(decode: Callable[[], dict[str, Any]], *, max_lifetime: timedelta) -> Caller:
    try:
        claims = decode()
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires > (utc_now() + max_lifetime).timestamp():
        raise InvalidToken(f"the token lives longer than {max_lifetime.days} days")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 128 or not subject.isprintable():
        raise InvalidToken("the token's sub is not an owner id")
    roles = claims.get("roles", [])
    if not isinstance(roles, list):
        raise InvalidToken("the token's roles are not a list")
    return Caller(subject, frozenset(role for role in roles if isinstance(role, str)))


def owner_dependency(owner_of: OwnerOf) -> Any:
    """A FastAPI dependency answering 401 (with ``WWW-Authenticate: Bearer``) without a valid token."""

    # Declared as an HTTP bearer scheme, so every OpenAPI document has it (and /docs an
    # Authorize button); the answers without a valid token stay ours.
    bearer = HTTPBearer(auto_error=False, description="A KeepWarm or OpenID Connect access token (JWT).")

    async def current_owner(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        return (await _verified(owner_of, credentials)).owner_id

    return Depends(current_owner)


def role_dependency(owner_of: OwnerOf, *, role: str) -> Any:
    """A FastAPI dependency answering 401 without a valid token and 403 when the token does not
    carry ``role``; gives the caller's owner id."""
    bearer = HTTPBearer(
        auto_error=False, description=f"An access token (JWT) whose `roles` include `{role}`."
    )

    async def current_holder(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        caller = await _verified(owner_of, credentials)
        if role not in caller.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"this needs the {role!r} role")
        return caller.owner_id

    return Depends(current_holder)


async def _verified(owner_of: OwnerOf, credentials: HTTPAuthorizationCredentials | None) -> Caller:
    if credentials is None or not credentials.credentials.strip():
        raise _unauthorized("send Authorization: Bearer <token>")
    try:
        caller = await owner_of(credentials.credentials.strip())
    except InvalidToken as error:
        raise _unauthorized(f"invalid token: {error}") from error
    logs.about_owner(caller.owner_id)
    return caller


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})
