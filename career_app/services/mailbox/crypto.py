"""Mailbox passwords at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`, already
installed through authlib) with MAILBOX_KEY, or a key derived from the server secret."""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken

from career_app.services.errors import Unprocessable
from career_app.settings import settings


@cache
def _fernet() -> Fernet:
    if settings.mailbox_key:
        return Fernet(settings.mailbox_key.encode())
    from career_app.services import auth

    return Fernet(base64.urlsafe_b64encode(auth.derived_key("mailbox-credentials")))


def seal(password: str) -> bytes:
    return _fernet().encrypt(password.encode("utf-8"))


def unseal(secret: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(secret)).decode("utf-8")
    except InvalidToken as exc:
        raise Unprocessable("The mailbox password cannot be read with the current key; connect the mailbox again") from exc
