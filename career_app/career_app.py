"""The Reflex app: pages plus the FastAPI REST surface mounted through api_transformer."""

import reflex as rx

from career_app.api.app import build_api
from career_app.pages.admin_users import admin_users
from career_app.pages.dashboard import dashboard
from career_app.pages.landing import landing
from career_app.pages.signin import signin
from career_app.pages.signup import signup
from state.admin import AdminUsersState
from state.auth import AuthState

app = rx.App(api_transformer=build_api())
app.add_page(landing, route="/", title="Career Copilot", on_load=AuthState.refresh)
app.add_page(signin, route="/signin", title="Sign in · Career Copilot", on_load=AuthState.refresh)
app.add_page(signup, route="/signup", title="Create account · Career Copilot", on_load=AuthState.refresh)
app.add_page(dashboard, route="/dashboard", title="Dashboard · Career Copilot", on_load=AuthState.guard)
app.add_page(admin_users, route="/admin/users", title="Users · Career Copilot",
             on_load=[AuthState.guard_admin, AdminUsersState.load])
