"""The web server that `make run` supervises: the built frontend and the backend (Reflex state
websocket + FastAPI) on one port, in granian workers.

`reflex run --env prod` rebuilds the frontend on every start (about a minute here), so a crash
would mean a minute of downtime. Instead the frontend is built once (`build_frontend`, a
`reflex export`) and only this server is restarted; granian itself respawns a crashed worker.

    python -m career_app.serve --port 3000 --workers 2
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _port_env(port: int) -> dict[str, str]:
    # The built frontend holds the backend's address (env.json): the same port serves both.
    return {"REFLEX_FRONTEND_PORT": str(port), "REFLEX_BACKEND_PORT": str(port)}


def build_frontend(port: int, env: dict[str, str]) -> None:
    """Compile the pages and build the production frontend into .web/build/client."""
    reflex = str(Path(sys.executable).parent / "reflex")
    subprocess.run([reflex, "export", "--frontend-only", "--no-zip", "--loglevel", "warning"],
                   cwd=ROOT, env={**env, **_port_env(port)}, check=True)


def serve(port: int, workers: int, host: str = "0.0.0.0", frontend: bool = True) -> None:
    os.environ.update(_port_env(port))
    from granian.constants import Interfaces
    from granian.server import Server
    from reflex.environment import environment
    from reflex.utils.exec import get_app_instance_from_file
    from reflex_base import constants

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)  # built by build_frontend
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(frontend)
    Server(
        target=get_app_instance_from_file(),
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=10,
    ).serve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--no-frontend", action="store_true", help="API and websocket only")
    args = parser.parse_args()
    serve(args.port, args.workers, args.host, frontend=not args.no_frontend)


if __name__ == "__main__":
    main()
