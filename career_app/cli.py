"""Command line: `python -m career_app.cli COMMAND`.

  run            everything `make run` needs: services, migrations, a worker, the web app
  migrate        upgrade the database to the newest migration
  worker         one RQ worker on every queue
  create-admin   create (or promote) an admin account: the only way to get one
  services       start the embedded PostgreSQL and Redis and print their URLs
  stop-services  stop the embedded servers
"""

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _resolve_services() -> dict[str, str]:
    """DATABASE_URL and REDIS_URL for child processes, starting embedded servers if unset."""
    from career_app import db

    return {"DATABASE_URL": db.database_url(), "REDIS_URL": db.redis_url()}


def cmd_migrate(_args) -> None:
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(ROOT / "alembic.ini")), "head")


def cmd_worker(args) -> None:
    from jobs_worker.worker import run

    run(burst=args.burst)


def cmd_create_admin(args) -> None:
    from pydantic import ValidationError

    from career_app.db import session_scope
    from career_app.services import auth

    password = args.password or os.environ.get("ADMIN_PASSWORD")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        password = getpass.getpass("Password (at least 8 characters): ")
        if password != getpass.getpass("Repeat password: "):
            sys.exit("Passwords do not match")
    try:
        with session_scope() as session:
            user = auth.create_admin(session, args.email, password, args.name)
    except ValidationError as exc:
        sys.exit("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    print(f"Admin ready: {user.email} ({user.id})")


def cmd_services(_args) -> None:
    for key, value in _resolve_services().items():
        print(f"{key}={value}")


def cmd_stop_services(_args) -> None:
    from career_app import embedded
    from career_app.settings import settings

    embedded.stop_embedded(settings.data_dir)


def _stop_children(children: list[subprocess.Popen]) -> None:
    for proc in children:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in children:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def cmd_run(args) -> None:
    """Supervise the worker and the web app; Ctrl-C stops everything it started."""
    from career_app.settings import settings

    started_embedded = not (settings.database_url and settings.redis_url)
    env = {**os.environ, **_resolve_services()}
    env.setdefault("REFLEX_USE_NPM", "1")
    env.setdefault("GRANIAN_WORKERS", str(settings.web_workers))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], env=env, cwd=ROOT, check=True)

    port = str(args.port or settings.port)
    env["PORT"] = port  # the web app derives its allowed origins from it
    commands = [
        [sys.executable, "-m", "career_app.cli", "worker"],
        [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--single-port",
         "--backend-port", port, "--loglevel", "info"],
    ]
    children = [subprocess.Popen(c, env=env, cwd=ROOT, start_new_session=True) for c in commands]
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"Career Copilot starting on http://localhost:{port} (Ctrl-C stops it)", flush=True)
    exit_code = 0
    while not stopping:
        for proc in children:
            if proc.poll() is not None:
                print(f"{' '.join(proc.args[:3])} exited with {proc.returncode}; stopping", flush=True)
                exit_code, stopping = proc.returncode or 1, True
        time.sleep(0.5)
    print("Stopping…", flush=True)
    _stop_children(children)
    if started_embedded:
        cmd_stop_services(args)
    sys.exit(exit_code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="career_app.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="services, migrations, worker and web app")
    run.add_argument("--port", type=int)
    run.set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="upgrade the database to head").set_defaults(func=cmd_migrate)
    worker = sub.add_parser("worker", help="run an RQ worker")
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.set_defaults(func=cmd_worker)
    admin = sub.add_parser("create-admin", help="create or promote an admin account")
    admin.add_argument("email")
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password", help="prefer the prompt or --password-stdin (shell history)")
    admin.add_argument("--password-stdin", action="store_true")
    admin.set_defaults(func=cmd_create_admin)
    sub.add_parser("services", help="start embedded services, print URLs").set_defaults(func=cmd_services)
    sub.add_parser("stop-services", help="stop embedded services").set_defaults(func=cmd_stop_services)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
