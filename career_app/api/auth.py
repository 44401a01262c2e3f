from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import RedirectResponse

from career_app.api.deps import Caller, RedisDep, SessionDep, client_address, request_token
from career_app.services import auth
from career_app.services.errors import ServiceError
from career_app.settings import settings
from models.schemas import LoginRequest, Message, RegisterRequest, TokenResponse, UserOut
from models.user import User

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _set_session_cookie(response: Response, token: str, lifetime: int) -> None:
    response.set_cookie(
        auth.SESSION_COOKIE, token, max_age=lifetime, httponly=True, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )


def _token_response(response: Response, user: User) -> TokenResponse:
    token, lifetime = auth.issue_token(user)
    _set_session_cookie(response, token, lifetime)
    return TokenResponse(access_token=token, expires_in=lifetime, user=UserOut.model_validate(user))


@router.post("/register", response_model=TokenResponse, status_code=201,
             responses={409: {"description": "Email or username already registered"}})
def register(data: RegisterRequest, response: Response, session: SessionDep) -> TokenResponse:
    """Create a seeker or provider account and sign it in. Admins come only from the CLI."""
    return _token_response(response, auth.register(session, data))


@router.post("/login", response_model=TokenResponse,
             responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many failures"}})
def login(data: LoginRequest, response: Response, session: SessionDep, r: RedisDep,
          address: Annotated[str, Depends(client_address)]) -> TokenResponse:
    """Email or username + password. Returns a bearer token and sets the HttpOnly session cookie."""
    return _token_response(response, auth.login(session, r, data, address))


@router.post("/logout", response_model=Message)
def logout(response: Response, r: RedisDep, token: Annotated[str | None, Depends(request_token)]) -> Message:
    """Revokes the presented token (bearer or cookie) and clears the session cookie."""
    if token:
        try:
            auth.revoke_token(r, auth.decode_token(token))
        except ServiceError:
            pass  # an invalid token is already unusable
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
    return Message(message="Signed out")


@router.get("/me", response_model=UserOut)
async def me(user: Caller) -> UserOut:
    return UserOut.model_validate(user)


@router.get("/session/{code}", include_in_schema=False)
def browser_session(code: str, session: SessionDep, r: RedisDep,
                    next_path: Annotated[str, Query(alias="next", max_length=512)] = "/dashboard"):
    """Exchange a one-time sign-in code (minted by the web UI) for the session cookie."""
    try:
        user = auth.redeem_login_code(session, r, code)
    except ServiceError:
        return RedirectResponse("/signin?expired=1", status_code=303)
    response = RedirectResponse(auth.safe_next_path(next_path), status_code=303)
    token, lifetime = auth.issue_token(user)
    _set_session_cookie(response, token, lifetime)
    response.headers["Cache-Control"] = "no-store"
    return response
