"""The tracker as a list or a board: the caller's applications searched and sorted, one page of
them or one column per status, with the count of each status."""

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from career_app.services import jobs
from career_app.services.applications.core import to_out
from models.application import Application, ApplicationStatus
from models.application_schemas import ApplicationList, BoardColumn
from models.user import User


MAX_PAGE_SIZE = 100
SORTS = {"updated_at": Application.updated_at, "created_at": Application.created_at,
         "applied_on": Application.applied_on, "company_name": Application.company_name,
         "job_title": Application.job_title, "status": Application.status}


def _search_conditions(user: User, q: str | None) -> list:
    conditions = [Application.user_id == user.id, col(Application.deleted_at).is_(None)]
    if q and q.strip():
        pattern = jobs._escape_like(q.strip())
        conditions.append(or_(col(Application.company_name).ilike(pattern), col(Application.job_title).ilike(pattern),
                              col(Application.location).ilike(pattern), col(Application.notes).ilike(pattern)))
    return conditions


def _order(sort: str, order: str) -> list:
    column = col(SORTS[sort])
    first = column.asc().nulls_last() if order == "asc" else column.desc().nulls_last()
    return [first, col(Application.id).desc()]


def list_for(session: Session, user: User, *, statuses: list[ApplicationStatus] | None = None, q: str | None = None,
             sort: str = "updated_at", order: str = "desc", skip: int = 0, limit: int = 20,
             board: bool = False) -> ApplicationList:
    """One page in the order asked, or (board) one column per status with its first `limit` items;
    `counts` are per status with the search applied, whatever the status filter."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    base = _search_conditions(user, q)
    counted = dict(session.exec(select(Application.status, func.count()).where(*base).group_by(Application.status)).all())
    counts = {status: counted.get(status, 0) for status in ApplicationStatus}
    wanted = list(statuses or ApplicationStatus)
    conditions = base + ([col(Application.status).in_(wanted)] if statuses else [])
    if board:
        rank = func.row_number().over(partition_by=Application.status, order_by=_order(sort, order)).label("rank")
        ranked = select(Application.id, rank).where(*conditions).subquery()
        rows = session.exec(select(Application).join(ranked, ranked.c.id == Application.id)
                            .where(ranked.c.rank <= limit).order_by(ranked.c.rank)).all()
        columns = [BoardColumn(status=status, count=counts[status],
                               items=[to_out(a) for a in rows if a.status == status]) for status in wanted]
        return ApplicationList(items=[], total=sum(c.count for c in columns), skip=0, limit=limit, counts=counts,
                               columns=columns)
    total = sum(counts[s] for s in wanted)
    rows = session.exec(select(Application).where(*conditions).order_by(*_order(sort, order))
                        .offset(max(0, skip)).limit(limit)).all()
    return ApplicationList(items=[to_out(a) for a in rows], total=total, skip=skip, limit=limit, counts=counts)
