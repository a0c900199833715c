"""Encryption of stored events with key rotation (API.md, "Production mode").

The library's ``AESCipher`` (AES-GCM, ``cryptography``) encrypts each event's whole state, so
names, resident ids, phones and addresses never reach the store in clear; topics, ids and
positions stay readable. To rotate, the new key becomes ``POSTLEDGER_DATA_KEY`` and the old one
moves to ``POSTLEDGER_DATA_KEYS_OLD``: new events are written under the new key and every event
still reads, because GCM's tag tells at once whether a key fits. Old events are not rewritten
(the store is append-only); drop an old key only after re-encrypting a copy of the store.
"""

from __future__ import annotations

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment


class RotatingAESCipher(Cipher):
    """Encrypts with ``CIPHER_KEY``; decrypts with it or any of ``CIPHER_OLD_KEYS``."""

    def __init__(self, environment: Environment) -> None:
        self.current = AESCipher(environment)
        self.old = [
            AESCipher(Environment(env={"CIPHER_KEY": key.strip()}))
            for key in (environment.get("CIPHER_OLD_KEYS") or "").split(",") if key.strip()
        ]

    def encrypt(self, plaintext: bytes) -> bytes:
        return self.current.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return self.current.decrypt(ciphertext)
        except ValueError:
            for cipher in self.old:
                try:
                    return cipher.decrypt(ciphertext)
                except ValueError:
                    continue
            raise
