"""A loopback SMTP server for tests: real SMTP on 127.0.0.1 in a thread (EHLO, AUTH PLAIN/LOGIN,
MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeping every message it accepts.
With credentials set, mail is refused until the client authenticates with them."""

import base64
import email
import re
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

MAX_LINE = 8192
MAX_MESSAGE = 5 * 1024 * 1024
_ADDRESS = re.compile(r"<([^>]*)>")


def _address(arg: str) -> str:
    """The address in "FROM:<a@b> SIZE=10" or "TO:<a@b>"."""
    match = _ADDRESS.search(arg)
    return match.group(1) if match else arg.partition(":")[2].strip()


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    message: EmailMessage
    authenticated_as: str | None


@dataclass
class _Session:
    authenticated_as: str | None = None
    mail_from: str | None = None
    rcpt_to: list[str] = field(default_factory=list)


class LoopbackSMTP:
    def __init__(self, username: str | None = None, password: str | None = None):
        self.username, self.password = username, password
        self.messages: list[Received] = []
        self.refused_logins = 0
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler(), bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.allow_reuse_address = True
        self._server.server_bind()
        self._server.server_activate()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="loopback smtp")

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        credentials = f"{self.username}:{self.password}@" if self.username else ""
        return f"smtp://{credentials}127.0.0.1:{self.port}"

    def start(self) -> "LoopbackSMTP":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address in m.rcpt_to]

    def _accept_login(self, username: str, password: str) -> bool:
        ok = (username, password) == (self.username, self.password)
        if not ok:
            with self._lock:
                self.refused_logins += 1
        return ok

    def _keep(self, received: Received) -> None:
        with self._lock:
            self.messages.append(received)

    def _handler(self):
        server = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def read_line(self) -> str | None:
                raw = self.rfile.readline(MAX_LINE)
                return raw.decode("utf-8", "replace").rstrip("\r\n") if raw else None

            def handle(self) -> None:
                state = _Session()
                self.reply("220 loopback ESMTP ready")
                while (line := self.read_line()) is not None:
                    verb, _, arg = line.partition(" ")
                    handler = getattr(self, f"smtp_{verb.upper()}", None)
                    if handler is None:
                        self.reply("502 command not implemented")
                    elif handler(arg, state) is False:
                        return

            def smtp_EHLO(self, _arg: str, _state: _Session) -> None:
                self.wfile.write(b"250-loopback\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 5242880\r\n")
                self.wfile.flush()

            def smtp_HELO(self, _arg: str, _state: _Session) -> None:
                self.reply("250 loopback")

            def smtp_AUTH(self, arg: str, state: _Session) -> None:
                mechanism, _, initial = arg.partition(" ")
                try:
                    if mechanism.upper() == "PLAIN":
                        if not initial:
                            self.reply("334 ")
                            initial = self.read_line() or ""
                        _, username, password = base64.b64decode(initial).decode().split("\0")
                    elif mechanism.upper() == "LOGIN":
                        self.reply("334 " + base64.b64encode(b"Username:").decode())
                        username = base64.b64decode(self.read_line() or "").decode()
                        self.reply("334 " + base64.b64encode(b"Password:").decode())
                        password = base64.b64decode(self.read_line() or "").decode()
                    else:
                        self.reply("504 unrecognized authentication type")
                        return
                except ValueError:
                    self.reply("501 cannot decode credentials")
                    return
                if server._accept_login(username, password):
                    state.authenticated_as = username
                    self.reply("235 authentication successful")
                else:
                    self.reply("535 authentication credentials invalid")

            def smtp_MAIL(self, arg: str, state: _Session) -> None:
                if server.username and state.authenticated_as is None:
                    self.reply("530 authentication required")
                    return
                state.mail_from, state.rcpt_to = _address(arg), []
                self.reply("250 OK")

            def smtp_RCPT(self, arg: str, state: _Session) -> None:
                if state.mail_from is None:
                    self.reply("503 need MAIL first")
                    return
                state.rcpt_to.append(_address(arg))
                self.reply("250 OK")

            def smtp_DATA(self, _arg: str, state: _Session) -> bool | None:
                if not state.rcpt_to:
                    self.reply("503 need RCPT first")
                    return None
                self.reply("354 end data with <CR><LF>.<CR><LF>")
                lines, size = [], 0
                while (raw := self.rfile.readline(MAX_LINE)) and raw.rstrip(b"\r\n") != b".":
                    size += len(raw)
                    if size > MAX_MESSAGE:
                        self.reply("552 message too big")
                        return False
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                server._keep(Received(state.mail_from, list(state.rcpt_to), message, state.authenticated_as))
                state.mail_from, state.rcpt_to = None, []
                self.reply("250 OK: queued")
                return None

            def smtp_RSET(self, _arg: str, state: _Session) -> None:
                state.mail_from, state.rcpt_to = None, []
                self.reply("250 OK")

            def smtp_NOOP(self, _arg: str, _state: _Session) -> None:
                self.reply("250 OK")

            def smtp_QUIT(self, _arg: str, _state: _Session) -> bool:
                self.reply("221 bye")
                return False

        return Handler
