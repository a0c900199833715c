"""Keys and sign-in configuration for production mode (API.md, "Production mode").

Read once from the environment, beside ``Settings``:

- ``POSTLEDGER_DATA_KEY`` (base64 of 32 bytes) encrypts every stored event (AES-GCM, the
  library's cipher); ``POSTLEDGER_DATA_KEYS_OLD`` (comma-separated, newest first) are keys
  rotated out that still decrypt events written under them.
- ``POSTLEDGER_CHAIN_KEY`` (base64 of 32 bytes) keys the chain heads.
- ``POSTLEDGER_INDEX_KEY`` (optional, base64 of 32 bytes) keys the one person hash
  (src/domain/keyed_hash.py): index ids, read models' ``person_hash`` columns and the access
  log. When unset it is derived from the site's *first* data key (the oldest of the old keys,
  else the data key), so rotating the data key never moves an index. Dropping that first key
  from ``POSTLEDGER_DATA_KEYS_OLD``, or setting a new index key on a store that began without
  one, would move every index id (README, "Rotating the data key").
- ``POSTLEDGER_JWT_SECRET`` (HS256), ``POSTLEDGER_JWKS_FILE`` or ``POSTLEDGER_JWKS_URL``
  (RS256/ES256), with ``POSTLEDGER_JWT_ISSUER`` / ``POSTLEDGER_JWT_AUDIENCE`` checked when set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from postledger.domain.keyed_hash import PersonKeys

KEY_BYTES = 32


class ConfigurationError(Exception):
    """Production mode cannot start: a variable is missing or malformed (named in the text)."""


def new_key() -> str:
    """A fresh random key: base64 of 32 bytes."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def new_secret() -> str:
    """A fresh random HS256 secret (URL-safe text, 48 bytes of entropy)."""
    return secrets.token_urlsafe(48)


def decode_key(variable: str, value: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"{variable} is not base64 (generate one: postledger keys "
                                 "generate)") from None
    if len(raw) != KEY_BYTES:
        raise ConfigurationError(f"{variable} must be base64 of {KEY_BYTES} bytes, "
                                 f"got {len(raw)} bytes")
    return raw


@dataclass(frozen=True)
class SecuritySettings:
    data_key: str | None = None
    old_data_keys: tuple[str, ...] = ()
    chain_key: str | None = None
    index_key: str | None = None
    jwt_secret: str | None = None
    jwks_file: str | None = None
    jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SecuritySettings:
        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        old = tuple(k.strip() for k in (get("POSTLEDGER_DATA_KEYS_OLD") or "").split(",")
                    if k.strip())
        return cls(
            data_key=get("POSTLEDGER_DATA_KEY"),
            old_data_keys=old,
            chain_key=get("POSTLEDGER_CHAIN_KEY"),
            index_key=get("POSTLEDGER_INDEX_KEY"),
            jwt_secret=get("POSTLEDGER_JWT_SECRET"),
            jwks_file=get("POSTLEDGER_JWKS_FILE"),
            jwks_url=get("POSTLEDGER_JWKS_URL"),
            jwt_issuer=get("POSTLEDGER_JWT_ISSUER"),
            jwt_audience=get("POSTLEDGER_JWT_AUDIENCE"),
        )

    @property
    def has_token_configuration(self) -> bool:
        return bool(self.jwt_secret or self.jwks_file or self.jwks_url)

    def check_production(self, *, serving: bool = True) -> None:
        """Refuse to run in production without keys or, when ``serving``, a way to sign in
        (command-line runs act as the local admin and sign no one in)."""
        for variable, value in (("POSTLEDGER_DATA_KEY", self.data_key),
                                ("POSTLEDGER_CHAIN_KEY", self.chain_key)):
            if not value:
                raise ConfigurationError(
                    f"production mode needs {variable} (base64 of 32 bytes; "
                    "`postledger keys generate` prints one)")
            decode_key(variable, value)
        for position, old in enumerate(self.old_data_keys):
            decode_key(f"POSTLEDGER_DATA_KEYS_OLD[{position}]", old)
        if self.index_key:
            decode_key("POSTLEDGER_INDEX_KEY", self.index_key)
        if serving and not self.has_token_configuration:
            raise ConfigurationError(
                "production mode needs a way to sign in: set POSTLEDGER_JWT_SECRET (HS256), "
                "or POSTLEDGER_JWKS_FILE / POSTLEDGER_JWKS_URL for an identity provider")

    def cipher_env(self) -> dict[str, str]:
        """The application's cipher settings (eventsourcing reads CIPHER_TOPIC, CIPHER_KEY)."""
        if not self.data_key:
            return {}
        env = {"CIPHER_TOPIC": "postledger.infrastructure.cipher:RotatingAESCipher",
               "CIPHER_KEY": self.data_key}
        if self.old_data_keys:
            env["CIPHER_OLD_KEYS"] = ",".join(self.old_data_keys)
        return env

    def person_keys(self) -> PersonKeys:
        """The one person hash, under ``person_index_key`` (src/domain/keyed_hash.py)."""
        return PersonKeys(self.person_index_key())

    def person_index_key(self) -> bytes | None:
        """The key of the resident-id hash; None without any key (demo: plain uuid5 ids)."""
        if self.index_key:
            return decode_key("POSTLEDGER_INDEX_KEY", self.index_key)
        if self.old_data_keys:
            first = decode_key("POSTLEDGER_DATA_KEYS_OLD", self.old_data_keys[-1])
        elif self.data_key:
            first = decode_key("POSTLEDGER_DATA_KEY", self.data_key)
        else:
            return None
        # Derived, never the data key itself: one key, one purpose.
        return hmac.new(first, b"postledger:person-index", hashlib.sha256).digest()
