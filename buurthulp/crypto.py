"""Small secrets the database must keep but never hold in usable form (a TOTP secret).

Sealed with AES-256-GCM under a key derived (HKDF-SHA256) from `BUURTHULP_DATA_KEY`, one
derived key per purpose. The associated data names the purpose and the row's owner, so a
sealed value copied onto another member's row does not open. `BUURTHULP_DATA_KEY` is its
own secret, never SECRET_KEY: rotating the session secret must not lock staff out of their
second factor. A database dump without the key yields no usable secret.

Stored form: ``v1.`` + base64url(12-byte nonce + ciphertext + tag).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1."
NONCE_BYTES = 12


class SealBroken(ValueError):
    """A sealed value that does not open: another key, another owner, or tampered with."""


@lru_cache(maxsize=16)
def _cipher(data_key: str, purpose: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"buurthulp:{purpose}".encode(),
    ).derive(data_key.encode())
    return AESGCM(key)


def _key() -> str:
    key = current_app.config.get("BUURTHULP_DATA_KEY") or ""
    if not key:
        raise RuntimeError("BUURTHULP_DATA_KEY is not configured")
    return key


def seal(plain: str, *, purpose: str, owner: str, stable: bool = False) -> str:
    """`plain` encrypted for storage; only `unseal` with the same purpose and owner opens it.

    `stable`: the same plain text seals to the same string (the nonce is an HMAC of it), for
    a link that must read alike wherever it is minted (a mail's body and its header). Safe
    with GCM because a nonce repeats only with its own plain text; it shows only whether two
    links are the same link."""
    if stable:
        mac = hmac.new(_key().encode(), f"{purpose}:{owner}:{plain}".encode(), "sha256")
        nonce = mac.digest()[:NONCE_BYTES]
    else:
        nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(_key(), purpose).encrypt(nonce, plain.encode(), f"{purpose}:{owner}".encode())
    return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, *, purpose: str, owner: str) -> str:
    """The plain value of `seal`'s output; `SealBroken` when it does not open."""
    if not stored.startswith(VERSION):
        raise SealBroken("unknown sealed format")
    try:
        raw = base64.urlsafe_b64decode(stored[len(VERSION) :].encode())
    except (binascii.Error, ValueError):
        raise SealBroken("not base64") from None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = _cipher(_key(), purpose).decrypt(nonce, sealed, f"{purpose}:{owner}".encode())
    except InvalidTag:
        raise SealBroken("wrong key, owner or content") from None
    return plain.decode()
