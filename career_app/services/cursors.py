"""Opaque keyset cursors for the feed, search and recommendations.

A cursor is base64url of the last item's sort key and id, with a short HMAC (the server secret) so
that a cursor edited by hand, truncated or made for another list is refused as a clear 422 rather
than silently starting somewhere else. It carries no secret: it only says where a page ended."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime

from career_app.services.auth import _server_secret
from career_app.services.errors import Unprocessable, invalid_query
from career_app.settings import settings

INVALID = "Invalid cursor: use the next_cursor of a previous page of the same list"
# What a cursor looks like (base64url, no padding); that the server made it for this list is beyond a schema.
PATTERN = r"^[A-Za-z0-9_-]+$"
MAX_LENGTH = 512


def invalid() -> Unprocessable:
    return invalid_query("cursor", INVALID, "cursor_invalid")
_TAG_BYTES = 10


_secrets: dict[tuple, bytes] = {}


def _secret() -> bytes:
    """The server secret, read once per process (it is a file read otherwise, on every page)."""
    which = (settings.jwt_secret, str(settings.data_dir))
    if (secret := _secrets.get(which)) is None:
        secret = _secrets[which] = _server_secret()
    return secret


def _tag(payload: bytes) -> bytes:
    return hmac.new(_secret(), b"cursor:" + payload, hashlib.sha256).digest()[:_TAG_BYTES]


def _plain(value):
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _typed(value):
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and set(value) == {"u"}:
        return uuid.UUID(value["u"])
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise ValueError("unexpected cursor value")


def encode(kind: str, *key) -> str:
    """A cursor for the list `kind` after the item whose sort key (id last) is `key`."""
    payload = json.dumps([kind, [_plain(v) for v in key]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(_tag(payload) + payload).decode().rstrip("=")


def decode(kind: str, cursor: str, arity: int) -> tuple:
    """The sort key a cursor of `kind` carries (`arity` values); Unprocessable when it was not made
    here for this list, or was changed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tag, payload = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
        if len(cursor) > 512 or not hmac.compare_digest(tag, _tag(payload)):
            raise ValueError("bad tag")
        made_for, key = json.loads(payload)
        if made_for != kind or not isinstance(key, list) or len(key) != arity:
            raise ValueError("another list")
        return tuple(_typed(v) for v in key)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise invalid() from None
