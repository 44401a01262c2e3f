import pytest
from pydantic import ValidationError

from career_app.services.auth import SESSION_COOKIE, cookie_token, safe_next_path
from models.schemas import LoginRequest, RegisterRequest


def test_cookie_token_parsing():
    assert cookie_token(f"a=1; {SESSION_COOKIE}=tok.en.x; b=2") == "tok.en.x"
    assert cookie_token("a=1") is None
    assert cookie_token("") is None
    assert cookie_token('bad"cookie') is None


def test_email_is_normalised():
    data = RegisterRequest(email="  Ann@Example.COM ", password="password-1", full_name="  Ann   Lee ")
    assert data.email == "ann@example.com"
    assert data.full_name == "Ann Lee"
    for bad in ("ann", "ann@", "@example.com", "ann@example", "a b@example.com"):
        with pytest.raises(ValidationError):
            RegisterRequest(email=bad, password="password-1", full_name="A")


def test_login_identifier():
    assert LoginRequest(username="Ann", password="x").identifier == "ann"
    with pytest.raises(ValidationError):
        LoginRequest(password="x")


@pytest.mark.parametrize("raw,expected", [
    ("/dashboard", "/dashboard"),
    ("/admin/users?page=2", "/admin/users?page=2"),
    ("//evil.example", "/dashboard"),
    ("https://evil.example", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
])
def test_safe_next_never_leaves_the_site(raw, expected):
    assert safe_next_path(raw) == expected


def test_redis_url_for_db():
    from career_app import db

    url = db.redis_url()
    assert db.redis_url_for_db(3).endswith("3")
    assert db.redis_url_for_db(3).split(":")[0] == url.split(":")[0]


def test_async_session_reads_the_same_database():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import func, select

    from career_app.db import async_engine, async_session_scope, session_scope
    from models import User

    async def count() -> int:
        async with async_session_scope() as session:
            value = (await session.exec(select(func.count()).select_from(User))).one()
        await async_engine().dispose()
        return value

    with session_scope() as session:
        expected = session.exec(select(func.count()).select_from(User)).one()
    # Its own thread: a session-scoped Playwright may already run a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, count()).result() == expected
