"""Sign-in through OpenID Connect providers: /api/v1/auth/oauth/{google|oidc}/login and /callback,
plus the providers offered and the caller's linked identities."""

import html
from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from career_app.api.auth import _set_session_cookie
from career_app.api.deps import CurrentUser, RedisDep, SessionDep
from career_app.api.origins import public_base
from career_app.services import auth, oidc
from career_app.services.errors import ServiceError
from career_app.settings import settings
from models.support import IdentitiesOut, OAuthProviderOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
ProviderName = Literal["google", "oidc"]


def _error_page(message: str, status: int) -> HTMLResponse:
    """A page a person can read (the browser lands here from the provider), with a way back."""
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sign-in refused · Career Copilot</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        "<body style='font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em'>"
        "<h1>Sign-in refused</h1>"
        f"<p id='oauth-error'>{html.escape(message)}</p>"
        "<p>Nothing was created or changed. <a href='/signin'>Back to sign in</a></p></body></html>"
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(oidc.STATE_COOKIE, path=_state_cookie_path(), httponly=True, samesite="lax")
    return response


def _state_cookie_path() -> str:
    return "/api/v1/auth/oauth"


@router.get("/oauth/providers", response_model=list[OAuthProviderOut])
async def oauth_providers() -> list[OAuthProviderOut]:
    """The external sign-in providers configured on this instance (none by default)."""
    return oidc.offered()


@router.get("/oauth/{provider}/login", include_in_schema=True, status_code=302,
            responses={302: {"description": "To the provider's consent page"},
                       404: {"description": "Not configured: an HTML page says so", "content": {"text/html": {}}}})
async def oauth_login(provider: ProviderName, request: Request, r: RedisDep,
                      next_path: Annotated[str, Query(alias="next", max_length=512)] = "/dashboard"):
    """Redirect to the provider with `state`, `nonce` and a PKCE S256 challenge. `next` is a
    same-site path to land on once signed in."""
    redirect_uri = public_base(request.url.scheme, request.headers.get("host")) + oidc.callback_path(provider)
    try:
        url, state = await anyio.to_thread.run_sync(oidc.start, r, provider, redirect_uri,
                                                    auth.safe_next_path(next_path))
    except oidc.SignInRefused as exc:
        return _error_page(exc.detail, exc.status)
    except ServiceError as exc:
        return _error_page(exc.detail, 404)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(oidc.STATE_COOKIE, state, max_age=oidc.STATE_SECONDS, httponly=True, samesite="lax",
                        secure=settings.cookie_secure, path=_state_cookie_path())
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/oauth/{provider}/callback", include_in_schema=True,
            responses={303: {"description": "Signed in: the session cookie is set"},
                       400: {"description": "Refused: an HTML page says why", "content": {"text/html": {}}},
                       404: {"description": "Not configured: an HTML page says so", "content": {"text/html": {}}}})
def oauth_callback(provider: ProviderName, request: Request, session: SessionDep, r: RedisDep,
                   state: Annotated[str | None, Query(max_length=200)] = None,
                   code: Annotated[str | None, Query(max_length=2000)] = None,
                   error: Annotated[str | None, Query(max_length=200)] = None):
    """Check the state, exchange the code, verify the ID token, then sign in (or link, or create a
    seeker) and set the same session cookie as a password sign-in."""
    try:
        user, next_path = oidc.finish(session, r, provider, state=state, code=code, error=error,
                                      browser_state=request.cookies.get(oidc.STATE_COOKIE))
    except oidc.SignInRefused as exc:
        return _error_page(exc.detail, exc.status)
    except ServiceError as exc:
        return _error_page(exc.detail, 404)
    response = RedirectResponse(auth.safe_next_path(next_path), status_code=303)
    token, lifetime = auth.issue_token(user)
    _set_session_cookie(response, token, lifetime)
    response.delete_cookie(oidc.STATE_COOKIE, path=_state_cookie_path(), httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/identities", response_model=IdentitiesOut)
def linked_identities(user: CurrentUser, session: SessionDep) -> IdentitiesOut:
    """The external sign-ins linked to your account."""
    return oidc.identities(session, user)


@router.delete("/identities/{provider}", response_model=IdentitiesOut,
               responses={404: {"description": "No such linked sign-in"},
                          409: {"description": "The account has no password"}})
def unlink_identity(provider: ProviderName, user: CurrentUser, session: SessionDep) -> IdentitiesOut:
    """Unlink a provider; allowed only while the account has a password."""
    return oidc.unlink(session, user.id, provider)
