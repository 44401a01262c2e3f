"""Responses of the market snapshot (services/market.py)."""

from datetime import date, datetime

from pydantic import BaseModel, Field


class WeekCount(BaseModel):
    week: date = Field(description="Monday of the ISO week (UTC)")
    listings: int = Field(description="Active listings first published that week")


class SalaryBand(BaseModel):
    """Yearly pay of the listings posting a salary in one currency: never converted, never mixed."""

    currency: str
    count: int = Field(description="Listings the band is computed from")
    p25: int | None = Field(description="Null when fewer than `needed` listings post a salary in this currency")
    p50: int | None
    p75: int | None
    needed: int = Field(description="The fewest listings a band is computed from")


class SkillShare(BaseModel):
    skill: str
    listings: int
    share: float = Field(description="Share of the snapshot's listings asking for the skill, 0-1")


class CompanyCount(BaseModel):
    company: str
    listings: int


class MarketSnapshot(BaseModel):
    family: str | None
    family_label: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-2")
    country_name: str | None
    remote: bool | None = Field(description="true: remote listings only; false: on-site and hybrid only")
    listings: int = Field(description="Active public listings matching the filters")
    weeks: list[WeekCount] = Field(description="The last 12 weeks, oldest first, empty weeks included")
    salary_bands: list[SalaryBand] = Field(description="One per currency, most listings first")
    top_skills: list[SkillShare]
    remote_share: float | None = Field(description="Share of listings that are remote, 0-1; null without listings")
    top_companies: list[CompanyCount]
    generated_at: datetime
