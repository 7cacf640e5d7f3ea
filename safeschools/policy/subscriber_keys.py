"""The keys that keep parents' email addresses secret.

One key file (``<data_dir>/notices.key`` by default, setting ``notices_key_file``), made once at
random with owner-only permissions, holds two keys:

- an HMAC-SHA256 key: an address is found (and named in the audit log) only by its keyed hash,
  so a copy of the database cannot tell whether someone subscribed without the key;
- a Fernet key (AES-128-CBC with HMAC, from ``cryptography``): the address itself is kept
  encrypted, opened only to send mail.

Tokens: a confirmation token is 32 random bytes, sent once, only its SHA-256 kept. The
unsubscribe token of a subscriber is derived (HMAC of its id and a random nonce), so that every
message can carry it while the store keeps only its SHA-256 and the nonce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from safeschools.errors import ConfigError

__all__ = ["SubscriberKeys", "normalise_address", "token_hash"]


def normalise_address(address: str) -> str:
    """The address as it is compared: stripped, lower case."""
    return address.strip().lower()


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=8)
def _fernet(key: bytes) -> Any:
    try:
        from cryptography.fernet import Fernet
    except ModuleNotFoundError as exc:  # pragma: no cover - the server extra installs it
        msg = "Notices to parents need: pip install 'safeschools[server]' (cryptography)"
        raise ImportError(msg) from exc
    return Fernet(key)


@dataclass(frozen=True)
class SubscriberKeys:
    """The HMAC key and the Fernet key of subscriber addresses."""

    hmac_key: bytes
    fernet_key: bytes

    @classmethod
    def new(cls) -> SubscriberKeys:
        """Fresh random keys."""
        return cls(secrets.token_bytes(32), base64.urlsafe_b64encode(secrets.token_bytes(32)))

    @classmethod
    def from_file(cls, path: Path) -> SubscriberKeys:
        """The keys kept in ``path``, made (owner-only) when the file does not exist yet."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            keys = cls.new()
            text = json.dumps(
                {"hmac": keys.hmac_key.hex(), "fernet": keys.fernet_key.decode("ascii")}
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: read theirs
                return cls.from_file(path)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            return keys
        try:
            data = json.loads(path.read_text())
            return cls(bytes.fromhex(data["hmac"]), data["fernet"].encode("ascii"))
        except (ValueError, KeyError, TypeError) as exc:
            msg = (
                f"The notices key file {path} cannot be read ({exc}); restore it from a backup "
                "(without it no subscriber's address can be opened)."
            )
            raise ConfigError(msg) from exc

    def address_hash(self, address: str) -> str:
        """The keyed hash of an address (what the store finds it by, and the audit names)."""
        digest = hmac.new(self.hmac_key, normalise_address(address).encode(), hashlib.sha256)
        return digest.hexdigest()

    def seal(self, address: str) -> str:
        """The address encrypted."""
        token: bytes = _fernet(self.fernet_key).encrypt(normalise_address(address).encode())
        return token.decode("ascii")

    def open(self, sealed: str) -> str:
        """The address of :meth:`seal`."""
        plain: bytes = _fernet(self.fernet_key).decrypt(sealed.encode("ascii"))
        return plain.decode()

    def unsubscribe_token(self, subscriber_id: int, nonce: str) -> str:
        """The token of a subscriber's one-click leave (the same for every message)."""
        digest = hmac.new(
            self.hmac_key, f"unsubscribe:{subscriber_id}:{nonce}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
