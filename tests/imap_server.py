"""A real IMAP server for the mailbox tests: Debian's Dovecot (make installs dovecot-imapd), run in
the foreground from a configuration of its own under a temporary folder, on a free loopback port,
with one account whose messages the tests APPEND over IMAP."""

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "seeker@example.test", "app-password-1"

_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:{base}/mail/%n
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Dovecot:
    def __init__(self, port: int):
        self.port = port
        self.base = Path(tempfile.mkdtemp(prefix="cc-dovecot-"))
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        nobody = pwd.getpwnam("nobody")
        login_user = "dovenull" if _exists("dovenull") else "nobody"
        internal_user = "dovecot" if _exists("dovecot") else "nobody"
        for sub in ("run", "state", "mail", "home"):
            (self.base / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(self.base / sub, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.base, 0o755)
        (self.base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        conf = self.base / "dovecot.conf"
        conf.write_text(_CONF.format(base=self.base, port=self.port, uid=nobody.pw_uid, gid=nobody.pw_gid,
                                     login_user=login_user, internal_user=internal_user))
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                imaplib.IMAP4("127.0.0.1", self.port, timeout=2).shutdown()
                return self
            except OSError:
                assert self.proc.poll() is None and time.monotonic() < deadline, self.log()
                time.sleep(0.1)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text() if path.exists() else "(no log)"

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            conn.login(USER, PASSWORD)
            conn.create(folder)  # NO when it exists already
            typ, data = conn.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
