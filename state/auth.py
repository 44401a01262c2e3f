"""Who is using this tab. Identity comes only from the verified HttpOnly session cookie
sent with the websocket handshake; it is checked again by every privileged handler.

A tab's state belongs to the user signed in on it (`AuthState._user_id`, the owner), never to its
tab token: the token lives in the browser's sessionStorage and comes back with whoever uses the
browser next. Before any event of the tab is handled (the hydrate of every connect included),
TabOwnerCheck compares the owner with the user of the cookie that came with the websocket; when
they differ (signed out, another user, a revoked or expired cookie) every state of the tab is reset
to its defaults and the tab stops following the previous user's live topics, so nothing of theirs
is sent. Signing out does the same. Every state of the app derives from AuthState, so resetting
AuthState's tree resets all of them."""

import asyncio
from urllib.parse import quote, urlencode

import reflex as rx
from pydantic import ValidationError
from reflex.middleware import Middleware

from career_app import db
from career_app.services import auth
from career_app.services.errors import ServiceError, Unauthorized
from models.schemas import LoginRequest, RegisterRequest
from models.user import Role, User
from state import live


def _load_user(cookie_header: str) -> User | None:
    try:
        with db.session_scope() as session:
            return auth.user_from_token(session, db.app_redis(), auth.cookie_token(cookie_header))
    except Unauthorized:
        return None


async def _cookie_user_id(cookie_header: str) -> str:
    """The id of the user the cookie signs in ("" for none, or an invalid, revoked or expired token),
    remembered for a few seconds like a REST caller (auth.cached_user): an event costs no I/O."""
    token = auth.cookie_token(cookie_header)
    if not token:
        return ""
    user = auth.cached_user(token)
    if user is None:
        def verify() -> User | None:
            try:
                with db.session_scope() as session:
                    return auth.remembered_user_from_token(session, db.app_redis(), token)
            except Unauthorized:
                return None

        user = await asyncio.to_thread(verify)
    return str(user.id) if user else ""


async def fresh_tab(state: rx.State) -> None:
    """Reset every state of this tab to its defaults (all of them derive from AuthState) and stop
    following the previous user's live topics. Loads the states not loaded yet, so every one is
    reset and saved; the router data (the tab's connection) is kept."""
    root = await state.get_state(AuthState)

    async def load(parent: rx.State) -> None:
        for cls in type(parent).get_substates():
            await load(await parent.get_state(cls))

    await load(root)
    root.reset()
    await live.unfollow_tab(root)


async def _end_if_signed_out(root: rx.State) -> None:
    """A session of the tab's user ended somewhere (live.session_checks): when this tab's cookie no
    longer signs its owner in, the tab gets a fresh state and loads the sign-in page. Verified
    afresh, not from the identity cache, which may not have heard of the change yet."""
    state = await root.get_state(AuthState)
    if not state._user_id:
        return
    user = await asyncio.to_thread(_load_user, root.router.headers.cookie)
    if user is None or str(user.id) != state._user_id:
        await fresh_tab(state)
        state.full_page_url = "/signin?signed_out=1"


live.session_checks.append(_end_if_signed_out)


class TabOwnerCheck(Middleware):
    """Before every event of a tab whose AuthState is loaded (a hydrate loads every state): when the
    tab's owner is not the user of the connection's cookie, the tab gets a fresh state."""

    async def preprocess(self, app, state, event):
        auth_state = state.substates.get(AuthState.get_name())
        if auth_state is None or not auth_state._user_id:
            return None  # an anonymous tab holds nothing of anyone
        if await _cookie_user_id(state.router.headers.cookie) != auth_state._user_id:
            await fresh_tab(state)
        return None


# Signing out runs in the browser, from code compiled into the page (the CSP allows no eval): the
# logout endpoint revokes the token and clears the HttpOnly cookie, then the sign-in page loads.
SIGN_OUT_IN_BROWSER = rx.call_function(rx.Var(
    "() => fetch('/api/v1/auth/logout', {method: 'POST', credentials: 'same-origin'})"
    ".finally(() => window.location.assign('/signin?signed_out=1'))"
))


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = first.get("msg", "is invalid").removeprefix("Value error, ")
    return f"{field.replace('_', ' ').capitalize()}: {message}" if field else message


class AuthState(rx.State):
    _user_id: str = ""
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    auth_checked: bool = False
    # A same-site URL the browser loads as a full page as soon as it changes (components.navigation),
    # so the next websocket carries fresh cookies.
    full_page_url: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.user_role)

    def _apply(self, user: User | None) -> None:
        self._user_id = str(user.id) if user else ""
        self.user_name = user.full_name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role.value if user else ""
        self.auth_checked = True

    async def _verified_user(self, *roles: Role) -> User | None:
        """Re-verify the cookie now; None (and the UI reset) when it is not valid or the role
        is not allowed. Every privileged handler starts here. A tab whose owner changed (the cookie
        was revoked meanwhile) is made fresh first."""
        user = await asyncio.to_thread(_load_user, self.router.headers.cookie)
        if self._user_id and self._user_id != (str(user.id) if user else ""):
            await fresh_tab(self)
        self._apply(user)
        if user is None or (roles and user.role not in roles):
            return None
        return user

    def _signin_redirect(self):
        next_path = self.router.url.path or "/dashboard"
        return rx.redirect("/signin?" + urlencode({"next": next_path}))

    @rx.event
    async def refresh(self):
        """Public pages: show who is signed in, redirect nobody."""
        await self._verified_user()

    @rx.event
    async def guard(self):
        """Protected pages: signed-in users of any role."""
        if await self._verified_user() is None:
            return self._signin_redirect()

    @rx.event
    async def guard_admin(self):
        user = await self._verified_user()
        if user is None:
            return self._signin_redirect()
        if user.role != Role.admin:
            return rx.redirect("/dashboard?denied=admin")

    @rx.event
    async def sign_out(self):
        """The server half of signing out; SIGN_OUT_IN_BROWSER follows it."""
        token = auth.cookie_token(self.router.headers.cookie)
        if token:
            try:
                claims = auth.decode_token(token)
                await asyncio.to_thread(auth.revoke_token, db.app_redis(), claims)
            except ServiceError:
                pass
        await fresh_tab(self)  # every state of the tab, not only this one
        self._apply(None)


class SignInState(AuthState):
    error: str = ""
    loading: bool = False

    @rx.var
    def notice(self) -> str:
        params = self.router.url.query_parameters
        if params.get("signed_out"):
            return "You have been signed out."
        if params.get("expired"):
            return "That sign-in link has expired. Please sign in again."
        return ""

    @rx.event
    async def submit(self, form: dict):
        self.error = ""
        self.loading = True
        yield
        try:
            data = LoginRequest(email=form.get("identifier", "").strip() or None, password=form.get("password", ""))
            # Reflex ignores X-Forwarded-For (no trusted_proxy_hops), so client_ip is the socket peer.
            address = auth.client_address(self.router.session.client_ip,
                                          self.router.headers.raw_headers.get("x-forwarded-for"))
            code = await asyncio.to_thread(self._login, data, address)
        except ValidationError:
            self.error = "Enter your email (or username) and your password."
        except ServiceError as exc:
            self.error = exc.detail
        else:
            next_path = auth.safe_next_path(self.router.url.query_parameters.get("next", "/dashboard"))
            self.full_page_url = f"/api/v1/auth/session/{code}?next={quote(next_path)}"
        self.loading = False

    @staticmethod
    def _login(data: LoginRequest, address: str) -> str:
        r = db.app_redis()
        with db.session_scope() as session:
            return auth.create_login_code(r, auth.login(session, r, data, address))


class SignUpState(AuthState):
    error: str = ""
    loading: bool = False
    role_choice: str = "seeker"

    @rx.event
    def set_role_choice(self, value: str):
        self.role_choice = value if value in ("seeker", "provider") else "seeker"

    @rx.event
    async def submit(self, form: dict):
        self.error = ""
        if form.get("password") != form.get("confirm_password"):
            self.error = "The two passwords do not match."
            return
        self.loading = True
        yield
        try:
            data = RegisterRequest(
                email=form.get("email", ""),
                password=form.get("password", ""),
                full_name=form.get("full_name", ""),
                role=self.role_choice,
            )
            code = await asyncio.to_thread(self._register, data)
        except ValidationError as exc:
            self.error = validation_message(exc)
        except ServiceError as exc:
            self.error = exc.detail
        else:
            self.full_page_url = f"/api/v1/auth/session/{code}?next=/dashboard"
        self.loading = False

    @staticmethod
    def _register(data: RegisterRequest) -> str:
        with db.session_scope() as session:
            return auth.create_login_code(db.app_redis(), auth.register(session, data))
