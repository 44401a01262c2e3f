import reflex as rx

from components.bell import bell
from components.layout import navbar, page_frame
from components.navigation import full_page_load
from career_app.pages.support_widgets import support_corner
from state.auth import SIGN_OUT_IN_BROWSER, AuthState
from state.notifications import BellState


def frame(*children: rx.Component, max_width: str = "72em") -> rx.Component:
    nav = navbar(signed_in=AuthState.signed_in, user_name=AuthState.user_name, role=AuthState.user_role,
                 on_sign_out=[AuthState.sign_out, SIGN_OUT_IN_BROWSER], bell=bell(BellState.badge, BellState.start))
    return page_frame(nav, full_page_load(AuthState.full_page_url, rx.State.is_hydrated), *children, support_corner(),
                      hydrated=rx.State.is_hydrated, max_width=max_width)
