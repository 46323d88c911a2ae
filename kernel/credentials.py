"""Channel credentials at rest: encrypted with Fernet, never stored or shown in clear text.

The key comes from the CREDENTIALS_KEY environment variable (a Fernet key); when it is unset
it is derived from SECRET_KEY, so rotating SECRET_KEY without setting CREDENTIALS_KEY means
reconnecting the channels.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsUnreadable(Exception):
    """The stored credentials cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    key = settings.CREDENTIALS_KEY
    if not key:
        digest = hashlib.sha256(f"vitrine-credentials:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    try:
        return Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes)."
        ) from None


def encrypt_credentials(credentials: dict) -> str:
    if not credentials:
        return ""
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def decrypt_credentials(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable("The channel credentials cannot be decrypted with the current key.") from None
