"""The admin console of job ingestion (/admin/ingestion): every source with its schedule, last and
next run; run one or all; live progress of running sources; the paginated run log with retries;
enable/disable a source; the sample catalogue on an empty instance.

Every handler re-checks the admin role. Progress and run changes arrive as live events on the
admins' topic (services/ingestion publishes `ingest_progress` and `ingest_run`): no polling."""

import asyncio
from datetime import datetime

import reflex as rx

from career_app import db
from career_app.services import ingestion, live
from career_app.services.errors import ServiceError
from models.ingestion_schemas import SourceUpdate
from models.user import Role
from state.auth import AuthState
from state.common import in_session, pages_for
from state.live import follow, live_state, unfollow

RUN_PAGE_SIZE = 10
OPEN = ("queued", "running")
STATUS_COLOR = {"queued": "gray", "running": "blue", "complete": "green", "partial": "amber", "failed": "red"}
COUNTERS = ("fetched", "new", "updated", "skipped", "errors", "dedup_hits", "closed")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _counters_text(counters: dict) -> str:
    return " · ".join(f"{name.replace('_', ' ')} {int(counters.get(name) or 0)}" for name in COUNTERS)


def _percent(processed: int, total: int | None) -> str:
    if not total:
        return "0"
    return str(max(0, min(100, round(100 * processed / total))))


def _progress_text(processed: int, total: int | None) -> str:
    return f"{processed} of {total}" if total else (f"{processed} processed, listing…" if processed else "listing…")


def _source_row(source) -> dict[str, str]:
    """A source (SourceOut) as a table row; the run in progress, if any, fills the progress fields."""
    last, running = source.last_run, source.running
    return {
        "name": source.name, "kind": source.kind.value, "enabled": "yes" if source.enabled else "",
        "schedule": source.schedule or "", "next_run": _when(source.next_run_at),
        "last_status": last.status.value if last else "", "last_color": STATUS_COLOR.get(last.status.value, "gray")
        if last else "gray", "last_finished": _when(last.finished_at) if last else "",
        "last_counters": _counters_text(last.counters) if last else "",
        "run_id": str(running.id) if running else "", "run_status": running.status.value if running else "",
        "processed": str(running.processed) if running else "0",
        "percent": _percent(running.processed, running.total) if running else "0",
        "progress": _progress_text(running.processed, running.total) if running else "",
        "run_counters": _counters_text(running.counters) if running else "",
        "open_postings": str(source.open_postings),
    }


def _run_row(run) -> dict[str, str]:
    errors = [f"{e.get('url') or '(no URL)'}: {e.get('error', '')}" for e in (run.errors or [])[:3]]
    return {
        "id": str(run.id), "source": run.source, "trigger": run.trigger, "status": run.status.value,
        "color": STATUS_COLOR.get(run.status.value, "gray"), "started": _when(run.started_at or run.created_at),
        "finished": _when(run.finished_at), "counters": _counters_text(run.counters),
        "errors": "\n".join(errors), "more_errors": str(max(0, len(run.errors or []) - 3)),
        "message": run.message or "", "retry": "yes" if run.status.value not in OPEN else "",
    }


def _snapshot(session, skip: int) -> tuple[list[dict[str, str]], list[dict[str, str]], int, bool, str]:
    status = ingestion.status(session, db.app_redis(), db.rq_redis())  # every source with its last run, too
    sources = [_source_row(s) for s in status.sources]
    runs, total = ingestion.list_runs(session, None, None, skip, RUN_PAGE_SIZE)
    global_task = status.global_task.task_id if status.global_task and status.global_task.status in (
        "queued", "started", "deferred", "scheduled") else ""
    return sources, [_run_row(run) for run in runs], total, status.empty_catalogue, global_task


def _set_enabled(session, name: str, enabled: bool) -> None:
    ingestion.update_source(session, name, SourceUpdate(enabled=enabled))


@live_state
class AdminIngestionState(AuthState):
    sources: list[dict[str, str]] = []
    runs: list[dict[str, str]] = []
    runs_total: int = 0
    runs_page: int = 0
    empty_catalogue: bool = False
    global_task: str = ""
    error: str = ""
    notice: str = ""
    loaded: bool = False

    @rx.var
    def runs_label(self) -> str:
        return f"Page {self.runs_page + 1} of {pages_for(self.runs_total, RUN_PAGE_SIZE)} · {self.runs_total} runs"

    async def _admin(self):
        admin = await self._verified_user(Role.admin)
        if admin is None:
            self.sources, self.runs, self.runs_total, self.error = [], [], 0, "Admin access required"
        return admin

    async def _reload(self) -> None:
        try:
            (self.sources, self.runs, self.runs_total, self.empty_catalogue,
             self.global_task) = await in_session(_snapshot, self.runs_page * RUN_PAGE_SIZE)
        except ServiceError as exc:
            self.error = exc.detail
        self.loaded = True

    @rx.event
    async def load(self):
        self.runs_page, self.error, self.notice = 0, "", ""
        if await self._admin() is None:
            return
        await follow(self, live.ADMINS)  # before reading: no run event slips between the two
        await self._reload()

    @rx.event
    async def leave(self):
        """The page unmounted (another page of the app opened in this tab): stop following."""
        await unfollow(self, live.ADMINS)

    async def on_live(self, topic: str, event: dict) -> None:
        """`ingest_progress`: a running source's counters move (applied in place, no database read);
        `ingest_run`: a run was queued, started or finished, `ingest_global`: a global run was queued
        or ended (sources, log and the global run read again); `resync`:
        events may have been missed, so everything is read again."""
        if self.user_role != "admin":  # signed out, or someone else uses this tab now
            return
        kind = event.get("type")
        if kind == "ingest_progress":
            self._progress(event)
        elif kind in ("ingest_run", "ingest_global", "resync"):
            await self._reload()

    def _progress(self, event: dict) -> None:
        processed, total = int(event.get("processed") or 0), event.get("total")
        rows = []
        for row in self.sources:
            if row["name"] == event.get("source"):
                row = {**row, "run_id": str(event.get("run_id", "")), "run_status": str(event.get("status", "")),
                       "processed": str(processed), "percent": _percent(processed, total),
                       "progress": _progress_text(processed, total),
                       "run_counters": _counters_text(event.get("counters") or {})}
            rows.append(row)
        self.sources = rows
        run_id = str(event.get("run_id", ""))
        if any(run["id"] == run_id for run in self.runs):  # the log's line of this run, too
            self.runs = [{**run, "counters": _counters_text(event.get("counters") or {})} if run["id"] == run_id
                         else run for run in self.runs]

    # --- actions -------------------------------------------------------------------------------

    async def _act(self, call, notice: str) -> None:
        """Run a service call for an admin; its 4xx (409 for a run in progress) shown on the page."""
        self.error, self.notice = "", ""
        try:
            await call()
        except ServiceError as exc:
            self.error = exc.detail
        except Exception as exc:  # noqa: BLE001 - the queue being down must not break the page
            self.error = f"Could not start: {type(exc).__name__}"
        else:
            self.notice = notice
        await self._reload()

    @rx.event
    async def run_source(self, name: str):
        admin = await self._admin()
        if admin is None:
            return
        await self._act(lambda: in_session(lambda s: ingestion.start_run(
            s, db.app_redis(), db.rq_redis(), name, admin, "manual").id), f"A run of {name} was queued.")

    @rx.event
    async def run_all(self):
        admin = await self._admin()
        if admin is None:
            return
        await self._act(lambda: asyncio.to_thread(ingestion.start_all, db.app_redis(), db.rq_redis(), admin),
                        "A run of every enabled source was queued.")

    @rx.event
    async def retry_run(self, run_id: str):
        admin = await self._admin()
        if admin is None:
            return

        def retry(session):
            source = ingestion.get_run(session, run_id).source
            return ingestion.start_run(session, db.app_redis(), db.rq_redis(), source, admin, "retry").source

        await self._act(lambda: in_session(retry), "The source was queued again.")

    @rx.event
    async def load_sample(self):
        admin = await self._admin()
        if admin is None:
            return
        await self._act(lambda: in_session(lambda s: ingestion.start_run(
            s, db.app_redis(), db.rq_redis(), ingestion.SAMPLE_SOURCE, admin, "sample").id),
            "The sample catalogue is loading: its postings go live as they are enriched.")

    @rx.event
    async def set_enabled(self, name: str, enabled: bool):
        if await self._admin() is None:
            return
        await self._act(lambda: in_session(_set_enabled, name, bool(enabled)),
                        f"{name} {'enabled' if enabled else 'disabled'}.")

    @rx.event
    async def next_runs(self):
        if await self._admin() is None:
            return
        if (self.runs_page + 1) * RUN_PAGE_SIZE < self.runs_total:
            self.runs_page += 1
            await self._reload()

    @rx.event
    async def prev_runs(self):
        if await self._admin() is None:
            return
        if self.runs_page > 0:
            self.runs_page -= 1
            await self._reload()
