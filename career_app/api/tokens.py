"""Personal API tokens of the signed-in user: create (the secret shown once), list, revoke. Managed
with the web session or a sign-in JWT only: a personal token cannot mint or revoke tokens."""

from fastapi import APIRouter, Response

from career_app.api.deps import Caller, RedisDep, in_thread_session
from career_app.services import api_tokens
from models.api_token_schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenOut

router = APIRouter(prefix="/api/v1/users/me/tokens", tags=["users"])


@router.post("", response_model=ApiTokenCreated, status_code=201,
             responses={409: {"description": "As many tokens as allowed already; revoke one first"}})
async def create_token(data: ApiTokenCreate, user: Caller) -> ApiTokenCreated:
    """A new token with `scopes`, valid `expires_in_days`; `token` is shown this once."""
    return await in_thread_session(api_tokens.create, user, data)


@router.get("", response_model=list[ApiTokenOut])
async def list_tokens(user: Caller) -> list[ApiTokenOut]:
    """Your tokens (never their secrets), newest first, with their last use."""
    return await in_thread_session(api_tokens.list_for, user)


@router.delete("/{token_id}", status_code=204)
async def revoke_token(token_id: str, r: RedisDep, user: Caller) -> Response:
    """Revoke a token: refused from the next request on, in every process."""
    await in_thread_session(lambda s: api_tokens.revoke(s, r, user, token_id))
    return Response(status_code=204)
