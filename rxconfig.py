import reflex as rx

from career_app.settings import settings

config = rx.Config(
    app_name="career_app",
    # Set by `make run` (embedded Redis) or by the deployment; without it Reflex keeps
    # state on disk, which only suits a single backend process.
    redis_url=settings.redis_url,
    cors_allowed_origins=settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
