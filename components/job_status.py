"""How a job's enrichment is going, for the job tables of the provider console and the admin."""

import reflex as rx

from components.clock import elapsed


def enrichment_progress(row: rx.Var) -> rx.Component:
    """How long a processing job's enrichment has been running (counted in the browser from the
    attempt's start), or that it stalled."""
    since = row["since"].to(str)
    return rx.cond(
        row["status"] == "processing",
        rx.cond(
            row["stalled"] != "",
            rx.text("Enrichment stalled (started ", elapsed(since), " ago)", size="1", color_scheme="amber",
                    class_name="enrichment-age"),
            rx.hstack(rx.spinner(size="1"),
                      rx.text("Enrichment running for ", elapsed(since), size="1", color_scheme="gray",
                              class_name="enrichment-age"),
                      align="center", spacing="1"),
        ),
    )
