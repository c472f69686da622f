"""Users are kept as an HMAC of their platform id: the same person gives the same hash, so a vote can be
replaced by their next click, but the id itself is never written."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SALT_KEY = "user_salt"


def new_salt() -> str:
    return secrets.token_hex(32)


class UserHasher:
    def __init__(self, salt: str) -> None:
        self._key = salt.encode("utf-8")

    def __call__(self, platform: str, user: str) -> str:
        # surrogatepass: an id with a lone surrogate still hashes, and still hashes alike every time
        return hmac.new(self._key, f"{platform}\x00{user}".encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "UserHasher(<salt hidden>)"
