"""Reading new messages over IMAP, defensively: bounded time (every socket read), bounded size
(headers first, then at most the first BODY_BYTES of a kept message, so a 30 MB attachment is
never downloaded), and any message that cannot be parsed becomes data, not an exception."""

import email
import email.policy
import html
import imaplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parseaddr, parsedate_to_datetime

import nh3

from models.mailbox import MailboxState

BODY_BYTES = 256 * 1024
MAX_MESSAGES_PER_RUN = 500


class MailboxError(Exception):
    def __init__(self, state: MailboxState, detail: str):
        super().__init__(detail)
        self.state, self.detail = state, detail


@dataclass
class Message:
    uid: int
    domain: str
    subject: str
    sent_at: datetime | None
    text: str = ""
    unreadable: bool = False


@dataclass
class Batch:
    uidvalidity: int
    last_uid: int  # the highest UID looked at (kept or not)
    kept: list[Message]
    seen: int


def _connect(host: str, port: int, tls: bool, timeout: float) -> imaplib.IMAP4:
    try:
        if tls:
            return imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
        return imaplib.IMAP4(host, port, timeout=timeout)
    except (TimeoutError, socket.timeout):
        raise MailboxError(MailboxState.unreachable, f"The server at {host}:{port} did not answer in {timeout:.0f} s") from None
    except ssl.SSLError as exc:
        raise MailboxError(MailboxState.unreachable, f"TLS with {host}:{port} failed ({exc.reason or 'handshake'})") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(MailboxState.unreachable, f"Cannot reach {host}:{port} ({type(exc).__name__})") from None


def _domain(sender: str) -> str:
    address = parseaddr(sender or "")[1].lower()
    return address.rpartition("@")[2].strip(". ") if "@" in address else ""


def _date(value: str | None) -> datetime | None:
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def text_of(raw: bytes) -> str:
    """The readable text of a (possibly truncated or malformed) message: text/plain, else text/html
    with every tag, script and style dropped (the HTML is never rendered, only read)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    plain, markup = [], []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
            body = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        except (LookupError, ValueError, AssertionError):
            body = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
        (plain if kind == "text/plain" else markup).append(body)
    if plain:
        return "\n".join(plain)
    cleaned = nh3.clean("\n".join(markup), tags=set(), clean_content_tags={"script", "style", "head", "title"})
    return html.unescape(cleaned)


def read_new(host: str, port: int, tls: bool, username: str, password: str, folder: str, uidvalidity: int | None,
             last_uid: int, keep: Callable[[str], bool], timeout: float) -> Batch:
    """Messages above `last_uid` (all of them again when the folder's UIDVALIDITY changed), of senders
    `keep` accepts by domain, at most MAX_MESSAGES_PER_RUN per run (the next run goes on from there)."""
    conn = _connect(host, port, tls, timeout)
    try:
        try:
            conn.login(username, password)
        except imaplib.IMAP4.error:
            raise MailboxError(MailboxState.auth_failed, "The server refused the user name or app password") from None
        typ, _ = conn.select(_quoted(folder), readonly=True)
        if typ != "OK":
            raise MailboxError(MailboxState.error, f"The folder {folder!r} cannot be opened")
        current = _uidvalidity(conn.response("UIDVALIDITY")[1])
        if uidvalidity is not None and current != uidvalidity:
            last_uid = 0  # the folder was rebuilt: its UIDs mean other messages now
        typ, data = conn.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)[:MAX_MESSAGES_PER_RUN]
        kept: list[Message] = []
        for uid in uids:
            message = _read(conn, uid, keep)
            if message is not None:
                kept.append(message)
        return Batch(uidvalidity=current, last_uid=max(uids, default=last_uid), kept=kept, seen=len(uids))
    except (TimeoutError, socket.timeout):
        raise MailboxError(MailboxState.unreachable, f"The server stopped answering (no reply in {timeout:.0f} s)") from None
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailboxError(MailboxState.unreachable, f"The connection was lost ({type(exc).__name__})") from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError(MailboxState.error, f"The server answered something unexpected: {str(exc)[:200]}") from None
    finally:
        try:
            conn.shutdown()
        except OSError:
            pass


def _uidvalidity(values) -> int:
    for value in values or []:
        if value and value.strip().isdigit():
            return int(value)
    return 0


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parts(data) -> list[bytes]:
    return [item[1] for item in data or [] if isinstance(item, tuple) and len(item) > 1]


def _read(conn: imaplib.IMAP4, uid: int, keep: Callable[[str], bool]) -> Message | None:
    typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])")
    parts = _parts(data) if typ == "OK" else []
    if not parts:
        return None
    try:
        headers = email.message_from_bytes(parts[0], policy=email.policy.default)
        sender, subject, date = str(headers.get("From", "")), str(headers.get("Subject", "")), headers.get("Date")
    except Exception:  # a header the parser chokes on: keep what the raw bytes say
        headers_text = parts[0].decode("utf-8", errors="replace")
        sender = next((line[5:] for line in headers_text.splitlines() if line.lower().startswith("from:")), "")
        subject, date = "(unreadable subject)", None
    domain = _domain(sender)
    if not domain or not keep(domain):
        return None
    message = Message(uid=uid, domain=domain, subject=" ".join(subject.split())[:500], sent_at=_date(str(date or "")))
    typ, data = conn.uid("FETCH", str(uid), f"(BODY.PEEK[]<0.{BODY_BYTES}>)")
    body = _parts(data) if typ == "OK" else []
    try:
        message.text = text_of(body[0]) if body else ""
    except Exception:  # a malformed MIME tree is data: classified on its subject alone
        message.unreadable = True
    return message
