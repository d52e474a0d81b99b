"""WeChat's message push (消息推送): signatures, and safe mode's AES (WECHAT.md).

- signature = sha1 of the sorted concatenation of token, timestamp, nonce (and, in safe mode,
  msg_signature adds the body's `Encrypt`).
- Safe mode: AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16
  bytes, PKCS#7 padding to 32-byte blocks; plaintext = 16 random bytes, the message's length
  (4 bytes, big-endian), the message, our appid (checked)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class BadPush(Exception):
    """A push that is not from WeChat, or not for us."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's


def signed(expected: str, *parts: str) -> bool:
    return hmac.compare_digest(signature(*parts), expected or "")


def _key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except ValueError:
        raise BadPush("the EncodingAESKey is malformed") from None
    if len(key) != 32:
        raise BadPush("the EncodingAESKey is malformed")
    return key


def decrypt(encrypted: str, *, encoding_aes_key: str, appid: str) -> str:
    key = _key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise BadPush("Encrypt is not base64") from None
    if not data or len(data) % 16:
        raise BadPush("Encrypt has a wrong length")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    pad = padded[-1]
    if not 1 <= pad <= BLOCK:
        raise BadPush("bad padding")
    plain = padded[:-pad]
    if len(plain) < 20:
        raise BadPush("too short")
    (length,) = struct.unpack(">I", plain[16:20])
    message, sender = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length or not hmac.compare_digest(sender, appid.encode()):
        raise BadPush("not for this appid")
    try:
        return message.decode()
    except UnicodeDecodeError:
        raise BadPush("not UTF-8") from None


def encrypt(message: str, *, encoding_aes_key: str, appid: str) -> str:
    """As WeChat encrypts (the tests and the fake use it)."""
    key = _key(encoding_aes_key)
    body = message.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + appid.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
