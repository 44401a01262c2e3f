import reflex as rx

from components.layout import navbar, page_frame
from state.auth import AuthState


def frame(*children: rx.Component, max_width: str = "72em") -> rx.Component:
    nav = navbar(signed_in=AuthState.signed_in, user_name=AuthState.user_name, role=AuthState.user_role,
                 on_sign_out=AuthState.sign_out)
    return page_frame(nav, *children, hydrated=rx.State.is_hydrated, max_width=max_width)
