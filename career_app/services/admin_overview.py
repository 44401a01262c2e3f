"""The admin's home (/admin): what waits for an admin, in counts, each with the page that handles it."""

from dataclasses import dataclass

import redis
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlmodel import Session, col, func, select

from career_app.services import tasks
from career_app.services.auth import require_role
from models.chat import ChatSession, ChatStatus
from models.job import Job, JobStatus, Visibility
from models.user import Role, User


@dataclass
class Overview:
    users: dict[str, int]  # by role
    jobs: dict[str, int]  # by status (public and private listings alike)
    live_jobs: int  # active and public: what seekers see
    chats_with_admin: int
    chats_waiting: int  # open chats whose seeker waits for an answer
    queued: dict[str, int]  # tasks waiting, by queue
    failed_tasks: int


def overview(session: Session, conn: redis.Redis, admin: User) -> Overview:
    require_role(admin, Role.admin)
    users = dict.fromkeys((r.value for r in Role), 0)
    users.update({str(role): n for role, n in session.exec(select(User.role, func.count()).group_by(User.role)).all()})
    jobs = dict.fromkeys((s.value for s in JobStatus), 0)
    jobs.update({str(status): n for status, n in session.exec(select(Job.status, func.count()).group_by(Job.status)).all()})
    live = session.exec(select(func.count()).select_from(Job).where(Job.status == JobStatus.active,
                                                                    Job.visibility == Visibility.public)).one()
    human = session.exec(select(func.count()).select_from(ChatSession)
                         .where(ChatSession.status == ChatStatus.human)).one()
    waiting = session.exec(select(func.count()).select_from(ChatSession).where(
        ChatSession.status != ChatStatus.closed, col(ChatSession.waiting_since).is_not(None))).one()
    queued, failed = {}, 0
    for name in tasks.QUEUES:
        queue = Queue(name, connection=conn)
        queued[name] = queue.count
        failed += FailedJobRegistry(queue=queue).count
    return Overview(users=users, jobs=jobs, live_jobs=live, chats_with_admin=human, chats_waiting=waiting,
                    queued=queued, failed_tasks=failed)
