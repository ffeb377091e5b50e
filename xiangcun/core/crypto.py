"""Personal data at rest (DESIGN.md §4): Fernet encryption plus an HMAC column for exact search."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


@cache
def _hmac_key() -> bytes:
    return hashlib.sha256(b"xiangcun-lookup:" + settings.FIELD_LOOKUP_KEY.encode()).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a personal-data field: wrong or missing key") from exc


def lookup_hash(value: str) -> str:
    """Deterministic keyed hash of a normalised value: equal inputs give equal hashes, nothing more."""
    return hmac.new(_hmac_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored as Fernet ciphertext; Python sees the plaintext.

    Pair it with a ``CharField(max_length=64, db_index=True)`` holding ``lookup_hash(value)`` for
    exact search; ciphertext itself is never comparable.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
