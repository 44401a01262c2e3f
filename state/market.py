"""/market: the market snapshot of the public catalogue (services/market.py), with its filters."""

import reflex as rx

from career_app import db
from career_app.services import countries, families, market
from career_app.services.errors import ServiceError
from state.auth import AuthState
from state.common import in_session

ANY = "any"


class MarketState(AuthState):
    family: str = ANY
    country: str = ""
    remote: str = ANY  # any | remote | onsite
    loading: bool = True
    error: str = ""
    listings: int = 0
    remote_share: str = ""
    place: str = ""
    weeks: list[dict[str, str | int]] = []
    skills: list[dict[str, str | float]] = []
    bands: list[dict[str, str]] = []
    companies: list[dict[str, str]] = []

    @rx.var
    def family_options(self) -> list[list[str]]:
        return [[ANY, "Every field"]] + [[name, families.label(name)] for name in families.names()]

    @rx.event
    async def load(self):
        self.loading, self.error = True, ""
        yield
        remote = {"remote": True, "onsite": False}.get(self.remote)
        family = None if self.family == ANY else self.family
        try:
            snap = await in_session(lambda s: market.snapshot(s, db.app_redis(), family, self.country or None, remote))
        except ServiceError as exc:
            self.error, self.loading = exc.detail, False
            return
        self.listings = snap.listings
        self.remote_share = "" if snap.remote_share is None else f"{snap.remote_share:.0%}"
        self.place = " · ".join(p for p in (snap.family_label, snap.country_name,
                                            {True: "remote only", False: "on-site and hybrid"}.get(remote)) if p)
        self.weeks = [{"week": market.week_label(w.week), "listings": w.listings} for w in snap.weeks]
        self.skills = [{"skill": s.skill, "share": round(s.share * 100, 1)} for s in snap.top_skills]
        self.bands = [{"currency": b.currency, "count": str(b.count),
                       "p25": f"{b.p25:,}" if b.p25 is not None else "—",
                       "p50": f"{b.p50:,}" if b.p50 is not None else "—",
                       "p75": f"{b.p75:,}" if b.p75 is not None else "—",
                       "note": "" if b.p50 is not None else f"fewer than {b.needed} postings: no figures"}
                      for b in snap.salary_bands]
        self.companies = [{"company": c.company, "listings": str(c.listings)} for c in snap.top_companies]
        self.loading = False

    @rx.event
    async def apply_filters(self, form: dict):
        country = str(form.get("country") or "").strip()
        if country and countries.code(country) is None:
            self.error = f"Unknown country {country!r}: use a name or a two-letter code (IE, NZ…)"
            return
        self.country = countries.code(country) or "" if country else ""
        async for update in self.load():
            yield update

    @rx.event
    async def set_family_filter(self, value: str):
        self.family = value
        async for update in self.load():
            yield update

    @rx.event
    async def set_remote_filter(self, value: str):
        self.remote = value
        async for update in self.load():
            yield update
