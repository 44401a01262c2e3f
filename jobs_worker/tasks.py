"""Task entry points run by the RQ worker (named in career_app.services.tasks.TASKS)."""

import uuid

from career_app.db import session_scope
from career_app.services import tasks, users


def export_account(user_id: str) -> dict:
    tasks.report_progress(10)
    with session_scope() as session:
        data = users.export_account_data(session, uuid.UUID(user_id))
    tasks.report_progress(100)
    return data
