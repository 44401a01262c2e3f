"""The embedded servers keep their data across a stop and a start (what `make run` relies on)."""

import psycopg
import redis

from career_app import embedded


def test_embedded_services_persist_across_restart(tmp_path):
    url = embedded.ensure_postgres(tmp_path, database="persist_check")
    plain = url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone()
        # Sized to the machine (initdb's 128 MB would send HNSW walks through the kernel's cache).
        mb = conn.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'").fetchone()[0]
        assert f"{mb}MB" == embedded._server_settings()["shared_buffers"]
    redis.Redis.from_url(embedded.ensure_redis(tmp_path)).set("kept", "yes")

    embedded.stop_embedded(tmp_path)
    assert not embedded.redis_socket(tmp_path).exists()

    url_again = embedded.ensure_postgres(tmp_path, database="persist_check")
    with psycopg.connect(url_again.replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT v FROM kept").fetchone() == ("still here",)
    assert redis.Redis.from_url(embedded.ensure_redis(tmp_path)).get("kept") == b"yes"
    embedded.stop_embedded(tmp_path)
