"""The Reflex app: pages plus the FastAPI REST surface mounted through api_transformer."""

import reflex as rx

from career_app.api.app import build_api
from career_app.api.health import answer_health_first
from career_app.pages.admin_chat import admin_chat
from career_app.pages.admin_feedback import admin_feedback
from career_app.pages.admin_home import admin_home
from career_app.pages.help import help_article_page, help_page
from career_app.pages.admin_ingestion import admin_ingestion
from career_app.pages.admin_jobs import admin_jobs
from career_app.pages.admin_users import admin_users
from career_app.pages.applications import applications_page
from career_app.pages.coach import coach_page
from career_app.pages.dashboard import dashboard
from career_app.pages.jobs import job_page, jobs_feed
from career_app.pages.profile import profile_page
from career_app.pages.provider import provider_console
from career_app.pages.recommended import recommended_page, skills_gap_page
from career_app.pages.resume import resume_page
from career_app.pages.landing import landing
from career_app.pages.market import market_page
from career_app.pages.social import shared_page, social_page
from career_app.pages.not_found import not_found
from career_app.pages.notifications import notifications_page
from career_app.pages.signin import signin
from career_app.pages.signup import signup
from career_app.pages.studio import studio_page
from career_app.pages.tracker import tracker_page
from state.admin import AdminUsersState
from state.admin_chat import AdminChatState
from state.admin_home import AdminHomeState
from state.admin_ingestion import AdminIngestionState
from state.admin_jobs import AdminJobsState
from state.applications import ApplicationsState
from state import live
from state.auth import AuthState, TabOwnerCheck
from state.coach import CoachState
from state.jobs import JobFeedState, JobPageState
from state.market import MarketState
from state.notifications import NotificationsState
from state.social import SharedState, SocialState
from state.api_tokens import TokensState
from state.mailbox import MailboxCardState
from state.profile import ProfileState
from state.provider import ProviderState
from state.recommendations import RecommendationsState, SkillsGapState
from state.resume import ResumeState
from state.studio import StudioState
from state.support import AdminFeedbackState, HelpArticleState, HelpState, LinkedIdentitiesState, OAuthButtonsState
from state.tracker import TrackerState

# /health is answered in front of the whole API (answer_health_first), the API in front of Reflex.
app = rx.App(api_transformer=[build_api(), answer_health_first])
app.add_middleware(TabOwnerCheck())  # a tab's state is its signed-in user's alone (state/auth.py)
live.install(app)
app.add_page(landing, route="/", title="Career Copilot", on_load=AuthState.refresh)
app.add_page(signin, route="/signin", title="Sign in · Career Copilot",
             on_load=[AuthState.refresh, OAuthButtonsState.load_providers])
app.add_page(signup, route="/signup", title="Create account · Career Copilot", on_load=AuthState.refresh)
app.add_page(dashboard, route="/dashboard", title="Dashboard · Career Copilot", on_load=AuthState.guard)
app.add_page(admin_home, route="/admin", title="Admin · Career Copilot",
             on_load=[AuthState.guard_admin, AdminHomeState.load])
app.add_page(admin_users, route="/admin/users", title="Users · Career Copilot",
             on_load=[AuthState.guard_admin, AdminUsersState.load])
app.add_page(jobs_feed, route="/jobs", title="Jobs · Career Copilot", on_load=JobFeedState.load)
app.add_page(job_page, route="/jobs/[job_id]", title="Job · Career Copilot", on_load=JobPageState.load)
app.add_page(resume_page, route="/resume", title="Resume · Career Copilot", on_load=[AuthState.guard, ResumeState.load])
app.add_page(profile_page, route="/profile", title="Your profile · Career Copilot",
             on_load=[AuthState.guard, ProfileState.load, LinkedIdentitiesState.load_identities,
                      MailboxCardState.load_mailboxes, TokensState.load_tokens])
app.add_page(provider_console, route="/provider", title="Provider console · Career Copilot",
             on_load=[AuthState.guard, ProviderState.load])
app.add_page(recommended_page, route="/recommended", title="Recommended · Career Copilot",
             on_load=[AuthState.guard, RecommendationsState.load])
app.add_page(skills_gap_page, route="/skills-gap", title="Skill gap · Career Copilot",
             on_load=[AuthState.guard, SkillsGapState.load])
app.add_page(admin_jobs, route="/admin/jobs", title="Enrichment · Career Copilot",
             on_load=[AuthState.guard_admin, AdminJobsState.load])
app.add_page(coach_page, route="/coach", title="Career coach · Career Copilot",
             on_load=[AuthState.guard, CoachState.load])
app.add_page(admin_chat, route="/admin/chat", title="Live chat · Career Copilot",
             on_load=[AuthState.guard_admin, AdminChatState.load])
app.add_page(notifications_page, route="/notifications", title="Notifications · Career Copilot",
             on_load=[AuthState.guard, NotificationsState.load])
app.add_page(applications_page, route="/applications", title="Applications · Career Copilot",
             on_load=[AuthState.guard, ApplicationsState.load])
app.add_page(tracker_page, route="/tracker", title="Tracked jobs · Career Copilot",
             on_load=[AuthState.guard, TrackerState.load])
app.add_page(admin_ingestion, route="/admin/ingestion", title="Job ingestion · Career Copilot",
             on_load=[AuthState.guard_admin, AdminIngestionState.load])
app.add_page(studio_page, route="/studio", title="Content studio · Career Copilot",
             on_load=[AuthState.guard, StudioState.load])
app.add_page(market_page, route="/market", title="Job market · Career Copilot",
             on_load=[AuthState.refresh, MarketState.load])
app.add_page(social_page, route="/social", title="Social · Career Copilot", on_load=[AuthState.guard, SocialState.load])
app.add_page(shared_page, route="/s/[share_token]", title="Shared · Career Copilot", on_load=[AuthState.refresh, SharedState.load])
app.add_page(help_page, route="/help", title="Help centre · Career Copilot", on_load=HelpState.load)
app.add_page(help_article_page, route="/help/[slug]", title="Help · Career Copilot", on_load=HelpArticleState.load)
app.add_page(admin_feedback, route="/admin/feedback", title="Feedback · Career Copilot",
             on_load=[AuthState.guard_admin, AdminFeedbackState.load])
app.add_page(not_found, route="404", title="Page not found · Career Copilot", on_load=AuthState.refresh)
