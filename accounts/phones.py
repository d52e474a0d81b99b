"""Phone numbers bound through WeChat (`getPhoneNumber` → `getuserphonenumber`), kept
encrypted at rest (Fernet: AES-128-CBC and HMAC-SHA256). Nobody but their owner ever sees
one, and then only masked; they go with the account.

The key is PHONE_ENCRYPTION_KEY, or (unset) one derived from DJANGO_SECRET_KEY: rotating that
then makes the stored numbers unreadable, and users bind them again."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _key() -> str:
    key = settings.PHONE_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(b"confessions phone numbers:" + settings.SECRET_KEY.encode())
        key = base64.urlsafe_b64encode(digest.digest()).decode()
    return key


def _fernet() -> Fernet:
    return Fernet(_key())


def digest(phone: str) -> str:
    """A keyed digest of the number (HMAC-SHA256 under the same key): equal numbers, equal
    digests, so one phone binds one account; without the key it says nothing of the number."""
    return hmac.new(_key().encode(), b"phone:" + phone.encode(), hashlib.sha256).hexdigest()


def seal(phone: str) -> str:
    return _fernet().encrypt(phone.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The number, or None if there is none or it cannot be read (the key changed)."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def masked(sealed: str) -> str | None:
    """What its owner is shown: 138****5678."""
    phone = unseal(sealed)
    if not phone:
        return None
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "****"
