"""Private file storage under FILES_DIR (default DATA_DIR/private), never served directly: files leave
only through signed, expiring download links checked by `open_signed`. Web processes write (uploads,
staging) and workers read (parsing), so machines of one deployment share FILES_DIR."""

import base64
import hashlib
import hmac
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from career_app.services.auth import derived_key
from career_app.services.errors import Forbidden, NotFound
from career_app.settings import settings

_KEY_RE = re.compile(r"^[a-z]+/[0-9a-f-]{36}/[0-9a-f]{32}\.[a-z]{2,5}$")


def _root() -> Path:
    return (settings.files_dir or settings.data_dir / "private").resolve()


def _path(key: str) -> Path:
    if not _KEY_RE.fullmatch(key):  # keys are made here; anything else is refused, not resolved
        raise NotFound("File not found")
    return _root() / key


def new_key(area: str, owner_id: uuid.UUID, extension: str) -> str:
    return f"{area}/{owner_id}/{uuid.uuid4().hex}.{extension}"


def save(key: str, data: bytes) -> None:
    """Write atomically: a crash leaves either no file or the whole file."""
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read(key: str) -> bytes:
    try:
        return _path(key).read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("File not found") from exc


def delete(key: str | None) -> None:
    if key:
        _path(key).unlink(missing_ok=True)


# --- signed links ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedFile:
    key: str
    download_name: str


def _signature(payload: str) -> str:
    digest = hmac.new(derived_key("file-download"), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _decode(value: str) -> str:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()


def signed_path(key: str, download_name: str, *, minutes: int | None = None) -> tuple[str, int]:
    """A path (under /api/v1/files) that downloads `key` until it expires; returns it and the expiry."""
    expires = int(time.time()) + 60 * (minutes or settings.resume_url_minutes)
    token = f"{_encode(key)}.{_encode(download_name)}.{expires}"
    return f"/api/v1/files/{token}.{_signature(token)}", expires


def open_signed(token: str) -> SignedFile:
    """Check a signed token from `signed_path`: 403 when forged or expired, 404 when the file is gone."""
    try:
        encoded_key, encoded_name, expires, signature = token.split(".")
        payload = f"{encoded_key}.{encoded_name}.{expires}"
        valid = hmac.compare_digest(signature.encode(), _signature(payload).encode())
        key, name, expiry = _decode(encoded_key), _decode(encoded_name), int(expires)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Forbidden("Invalid download link") from exc
    if not valid:
        raise Forbidden("Invalid download link")
    if expiry < time.time():
        raise Forbidden("Download link expired")
    if not _path(key).is_file():
        raise NotFound("File not found")
    return SignedFile(key=key, download_name=name)


def file_path(key: str) -> Path:
    return _path(key)
