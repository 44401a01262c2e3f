"""Market snapshots of the public catalogue (services/market.py). Public: no personal data is read."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from career_app.api.deps import RedisDep, in_thread_session
from career_app.services import market
from models.market_schemas import MarketSnapshot

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/snapshot", response_model=MarketSnapshot)
async def snapshot(
    r: RedisDep,
    family: Annotated[str | None, Query(max_length=40, description="An occupational family: software, healthcare...")] = None,
    country: Annotated[str | None, Query(max_length=60, description="ISO 3166-1 alpha-2 code or a country name")] = None,
    remote: Annotated[bool | None, Query(description="true: remote listings only; false: on-site and hybrid only")] = None,
) -> Response:
    """Listings per week, salary bands per currency (never converted), top skills, remote share and the
    companies hiring most, among active public listings; refreshed whenever a listing changes."""
    body = await in_thread_session(market.snapshot_json, r, family, country, remote)
    return Response(body, media_type="application/json", headers={"Cache-Control": "public, max-age=30"})
