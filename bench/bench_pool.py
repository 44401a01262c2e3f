"""What checking a pooled connection before use costs per request (embedded PostgreSQL, in process).

    .venv/bin/python bench/bench_pool.py [--n 5000] [--rounds 5]

Three pools, one thread: without any check; with the check the app ships (db.server_went_away:
one poll(2) of the socket at checkout, no round trip); with SQLAlchemy's pool_pre_ping (a round
trip to the server at every checkout). For each: a bare checkout and return, and a checkout with
one short read as the feed makes it (through the driver, no transaction). Prints the median over
rounds of the mean time per operation, in microseconds."""

import argparse
import statistics
import time

import _services  # bench/_services.py; it also puts the project on sys.path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
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
            with Session(engine) as session:
                session.connection()

        def read(engine) -> None:
            with Session(engine) as session:
                read_rows(session, "SELECT id FROM jobs LIMIT 1", None)

        engines = {kind: pool(kind) for kind in ("no check", "poll", "pre-ping")}
        results: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for kind, engine in engines.items():  # interleaved, so drifts in machine load hit all alike
                for name, op in (("checkout", checkout), ("checkout + one read", read)):
                    for _ in range(200):
                        op(engine)  # warm
                    started = time.perf_counter()
                    for _ in range(args.n):
                        op(engine)
                    results.setdefault((kind, name), []).append((time.perf_counter() - started) / args.n * 1e6)
        print(f"\nper operation, median of {args.rounds} rounds x {args.n} (µs)\n")
        print("| pool | checkout | checkout + one read |")
        print("|---|---|---|")
        for kind in engines:
            cells = [f"{statistics.median(results[(kind, name)]):.1f}" for name in ("checkout", "checkout + one read")]
            print(f"| {kind} | {' | '.join(cells)} |")
        for engine in engines.values():
            engine.dispose()
    finally:
        _services.stop()


if __name__ == "__main__":
    main()
