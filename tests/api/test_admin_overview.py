"""The admin's home counts (services/admin_overview.py): admins only; a waiting chat, a failed
enrichment and a new user each show in their count."""

import pytest
from sqlmodel import select

from career_app.db import rq_redis, session_scope
from career_app.services import admin_overview
from career_app.services.errors import Forbidden
from models.chat import ChatSession
from models.job import Job, JobStatus
from models.base import utcnow
from models.user import User


def _user(email: str) -> User:
    with session_scope() as session:
        return session.exec(select(User).where(User.email == email)).one()


def _counts(admin: User) -> admin_overview.Overview:
    with session_scope() as session:
        return admin_overview.overview(session, rq_redis(), admin)


def test_overview_counts_what_waits_for_admins_only(register, make_admin):
    admin = _user(make_admin()[0])
    before = _counts(admin)
    _, seeker_body = register("seeker")
    seeker = _user(seeker_body["email"])
    with session_scope() as session:
        session.add(ChatSession(user_id=seeker.id, waiting_since=utcnow()))
        session.add(Job(owner_id=seeker.id, title="Broken listing", description_raw="x" * 40,
                        status=JobStatus.enrich_failed))
        session.commit()
    after = _counts(admin)
    assert after.users["seeker"] == before.users["seeker"] + 1
    assert after.chats_waiting == before.chats_waiting + 1
    assert after.jobs["enrich_failed"] == before.jobs["enrich_failed"] + 1
    assert set(after.queued) == {"default", "bulk"}  # one count per RQ queue
    with pytest.raises(Forbidden):
        _counts(seeker)
