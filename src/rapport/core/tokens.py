"""Secrets handed to people (invitation links, API tokens): random, shown once, stored hashed."""

import hashlib
import secrets


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret of ``nbytes`` bytes of entropy (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 is enough for high-entropy secrets; no salt or slow hash is needed for them."""
    return hashlib.sha256(secret.encode()).hexdigest()
