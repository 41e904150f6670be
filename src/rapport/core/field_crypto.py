"""Encryption of secrets that must be read back (TOTP seeds), so a copy of the database alone
does not give them away.

The key is ``RAPPORT_FIELD_KEY`` when set, otherwise derived from ``SECRET_KEY``; values
encrypted under an older key (``RAPPORT_FIELD_KEY_FALLBACKS`` or ``SECRET_KEY_FALLBACKS``)
still decrypt, so keys can be rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp


def _fernet(key: str) -> Fernet:
    derived = hmac.new(b"rapport.core.field_crypto", key.encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> list[str]:
    if settings.RAPPORT_FIELD_KEY:
        return [settings.RAPPORT_FIELD_KEY, *settings.RAPPORT_FIELD_KEY_FALLBACKS]
    return [settings.SECRET_KEY, *(str(key) for key in settings.SECRET_KEY_FALLBACKS)]


def encrypt(value: str) -> str:
    return MultiFernet([_fernet(key) for key in _keys()]).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The value ``encrypt`` was given; a ``ValueError`` when no known key opens it."""
    try:
        return MultiFernet([_fernet(key) for key in _keys()]).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("The value was encrypted with a key Rapport no longer has.") from None


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)
