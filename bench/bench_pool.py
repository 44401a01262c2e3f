"""What checking a pooled connection before use costs per request (embedded PostgreSQL, in process).

    .venv/bin/python bench/bench_pool.py [--n 5000] [--rounds 15]

Three pools, one thread: without any check; with the check the app ships (db.server_went_away:
one poll(2) of the socket at checkout, no round trip); with SQLAlchemy's pool_pre_ping (a round
trip to the server at every checkout). For each: a checkout and return straight from the pool, and a
session with one short read as the feed makes it (through the driver, no transaction). The pools
take turns round after round, so drifts in the machine's load hit all alike; prints the fastest and
the median round's mean time per operation, in microseconds (the fastest round is the cost with the
least interference from other work on the machine)."""

import argparse
import statistics
import time

import _services  # bench/_services.py; it also puts the project on sys.path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    _services.start()
    try:
        from sqlalchemy import create_engine
        from sqlmodel import Session

        from career_app import db
        from career_app.services.jobs import read_rows

        def pool(kind: str):
            engine = create_engine(db.database_url(), pool_size=4, max_overflow=0,
                                   pool_pre_ping=kind == "pre-ping", connect_args=db._connect_args())
            if kind == "poll":
                db.check_connections_on_checkout(engine)
            return engine

        def checkout(engine) -> None:
            engine.pool.connect().close()

        def read(engine) -> None:
            with Session(engine) as session:
                read_rows(session, "SELECT id FROM jobs LIMIT 1", None)

        engines = {kind: pool(kind) for kind in ("no check", "poll", "pre-ping")}
        results: dict[tuple[str, str], list[float]] = {}
        names = ("pool checkout", "session + one read")
        for _ in range(args.rounds):
            for kind, engine in engines.items():
                for name, op in zip(names, (checkout, read)):
                    for _ in range(200):
                        op(engine)  # warm
                    started = time.perf_counter()
                    for _ in range(args.n):
                        op(engine)
                    results.setdefault((kind, name), []).append((time.perf_counter() - started) / args.n * 1e6)
        print(f"\nper operation, fastest / median of {args.rounds} rounds x {args.n} (µs)\n")
        print(f"| pool | {' | '.join(names)} |")
        print("|---|---|---|")
        for kind in engines:
            cells = [f"{min(results[(kind, name)]):.1f} / {statistics.median(results[(kind, name)]):.1f}"
                     for name in names]
            print(f"| {kind} | {' | '.join(cells)} |")
        for engine in engines.values():
            engine.dispose()
    finally:
        _services.stop()


if __name__ == "__main__":
    main()
