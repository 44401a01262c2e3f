"""/studio: the AI content studio (cover letters, tailored resumes, emails)."""

import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, link_button
from state.studio import EMAIL_LABEL, KIND_LABEL, TYPED, StudioState as S

TONES = ("formal", "warm", "confident", "concise")
LENGTHS = ("short", "medium", "long")


def _select(label: str, items: list[tuple[str, str]], value, on_change, id_: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.select.root(rx.select.trigger(aria_label=label, width="100%", id=id_),
                       rx.select.content(*[rx.select.item(text, value=key) for key, text in items]),
                       value=value, on_change=on_change),
        spacing="1", width="100%",
    )


def _job_picker() -> rx.Component:
    return rx.vstack(
        rx.text("Job", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(aria_label="Job", width="100%", id="studio-job"),
            rx.select.content(rx.select.item("Type a company and role", value=TYPED),
                              rx.foreach(S.job_options, lambda j: rx.select.item(j["label"], value=j["id"]))),
            value=S.job_choice, on_change=S.set_job_choice),
        spacing="1", width="100%",
    )


def _form() -> rx.Component:
    return rx.card(rx.vstack(
        _job_picker(),
        rx.cond(S.typed, rx.grid(
            rx.input(placeholder="Company", value=S.company, on_change=S.set_company, id="studio-company",
                     aria_label="Company", max_length=200),
            rx.input(placeholder="Role", value=S.role, on_change=S.set_role, id="studio-role", aria_label="Role",
                     max_length=200),
            columns="2", spacing="2", width="100%")),
        rx.grid(
            _select("Kind", list(KIND_LABEL.items()), S.kind, S.set_kind, "studio-kind"),
            _select("Tone", [(t, t.capitalize()) for t in TONES], S.tone, S.set_tone, "studio-tone"),
            _select("Length", [(n, n.capitalize()) for n in LENGTHS], S.length, S.set_length, "studio-length"),
            rx.cond(S.kind == "email_template",
                    _select("Email kind", list(EMAIL_LABEL.items()), S.email_kind, S.set_email_kind, "studio-email")),
            columns=rx.breakpoints(initial="2", md="4"), spacing="2", width="100%"),
        rx.text_area(placeholder="Instructions (optional): emphasis, what to leave out… up to 1,000 characters",
                     value=S.instructions, on_change=S.set_instructions, max_length=1000, rows="2", width="100%",
                     id="studio-instructions", aria_label="Instructions"),
        rx.button(rx.cond(S.generating, "Writing…", "Generate"), on_click=S.generate, disabled=S.generating,
                  id="studio-generate"),
        spacing="3", width="100%",
    ), width="100%")


def _claims() -> rx.Component:
    return rx.cond(
        S.claims.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(rx.vstack(
                rx.text("Not found in your resume, the job or your tracker — check or remove before sending:",
                        weight="medium"),
                rx.foreach(S.claims, lambda c: rx.text(rx.badge(c["kind"], color_scheme="red"), " ", rx.el.mark(c["text"]),
                                                       " — ", c["sentence"], size="2", class_name="studio-claim")),
                spacing="1")),
            color_scheme="red", width="100%", id="studio-claims"),
        rx.cond(S.content_id != "", rx.callout("Every employer, title, degree, date and number is backed by your "
                                               "resume or the job.", icon="circle-check", color_scheme="green",
                                               id="studio-clean", width="100%")),
    )


def _notes() -> rx.Component:
    """Remarks for the seeker kept beside the text, never in it (no application in the tracker, skills
    left out of a tailored resume)."""
    return rx.cond(S.notes.length() > 0, rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(rx.vstack(rx.foreach(S.notes, lambda n: rx.text(n, size="2", class_name="studio-note")),
                                  spacing="1")),
        color_scheme="blue", width="100%", id="studio-notes"))


def _highlighted() -> rx.Component:
    return rx.cond(S.claims.length() > 0, rx.box(
        rx.foreach(S.highlighted, lambda seg: rx.cond(
            seg["flag"] == "yes", rx.el.mark(seg["text"], style={"background": "var(--red-a5)"}),
            rx.text.span(seg["text"]))),
        white_space="pre-wrap", padding="0.75em", border="1px solid var(--gray-a6)", border_radius="6px",
        width="100%", id="studio-highlighted", font_size="0.9em"))


def _editor() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.heading(rx.cond(S.title != "", S.title, "Your document"), size="4"), rx.spacer(),
                  rx.cond(S.generated_by == "offline", rx.badge("offline writer")),
                  rx.cond(S.content_id != "", rx.hstack(
                      link_button("Export DOCX", variant="outline", size="1", href=S.export_docx,
                                  link_props={"id": "studio-export-docx", "is_external": True}),
                      link_button("Export PDF", variant="outline", size="1", href=S.export_pdf,
                                  link_props={"id": "studio-export-pdf", "is_external": True}), spacing="2")),
                  width="100%", align="center"),
        rx.text_area(value=S.text, on_change=S.set_text, rows="18", width="100%", id="studio-editor",
                     aria_label="Document text", placeholder="Generate a document; it appears here as it is written.",
                     read_only=S.generating),
        rx.hstack(rx.button("Save as new version", on_click=S.save_version, disabled=S.content_id == "",
                            id="studio-save"),
                  rx.cond(S.notice != "", rx.text(S.notice, size="2", color_scheme="green", id="studio-notice")),
                  align="center", spacing="3"),
        _claims(),
        _notes(),
        _highlighted(),
        spacing="3", width="100%",
    )


def _diff() -> rx.Component:
    return rx.cond(S.diff_label != "", rx.vstack(
        rx.text(S.diff_label, weight="medium", size="2"),
        rx.box(rx.foreach(S.diff_ops, lambda o: rx.match(
            o["op"],
            ("equal", rx.text.span(o["to_text"])),
            ("insert", rx.el.ins(o["to_text"], style={"background": "var(--green-a5)", "text_decoration": "none"})),
            ("delete", rx.el.del_(o["from_text"], style={"background": "var(--red-a5)"})),
            rx.fragment(rx.el.del_(o["from_text"], style={"background": "var(--red-a5)"}),
                        rx.el.ins(o["to_text"], style={"background": "var(--green-a5)", "text_decoration": "none"})))),
            white_space="pre-wrap", padding="0.75em", border="1px solid var(--gray-a6)", border_radius="6px",
            width="100%", font_size="0.9em"),
        id="studio-diff", width="100%", spacing="2"))


def _versions() -> rx.Component:
    return rx.cond(S.versions.length() > 0, rx.vstack(
        rx.heading("Versions", size="3"),
        rx.foreach(S.versions, lambda v: rx.hstack(
            rx.text("v", v["number"], weight="medium", size="2"),
            rx.badge(v["source"]),
            rx.cond(v["flags"] != "0", rx.badge(v["flags"], " flagged", color_scheme="red")),
            rx.text(v["when"], size="1", color_scheme="gray"),
            rx.spacer(),
            rx.cond(v["latest"] == "yes",
                    # the newest: what it changed from the version before (none before version 1)
                    rx.cond(v["number"] != "1",
                            rx.button("Changes", size="1", variant="soft", on_click=S.show_diff(v["number"]),
                                      id="studio-diff-" + v["number"])),
                    rx.hstack(
                        rx.button("Diff", size="1", variant="soft", on_click=S.show_diff(v["number"]),
                                  id="studio-diff-" + v["number"]),
                        rx.button("Restore", size="1", variant="outline", on_click=S.restore(v["number"]),
                                  id="studio-restore-" + v["number"]), spacing="1")),
            width="100%", align="center", class_name="studio-version", key=v["number"])),
        spacing="2", width="100%", id="studio-versions"))


def _documents() -> rx.Component:
    return rx.cond(S.documents.length() > 0, rx.vstack(
        rx.heading("Your documents", size="3"),
        rx.foreach(S.documents, lambda d: rx.button(
            rx.vstack(rx.text(d["title"], size="2", weight="medium", trim="both"),
                      rx.text(d["kind"], " · v", d["versions"], " · ", d["when"], size="1", color_scheme="gray"),
                      align="start", spacing="0"),
            variant="ghost", height="auto", width="100%", padding="0.4em", on_click=S.open(d["id"]), key=d["id"],
            class_name="studio-document")),
        spacing="1", width="100%"))


def studio_page() -> rx.Component:
    return frame(
        rx.heading("Content studio", size="7"),
        rx.text("Cover letters, tailored resumes and emails written from your resume — anything it does not back "
                "is flagged.", color_scheme="gray", size="2"),
        error_callout(S.error),
        rx.grid(
            rx.vstack(_form(), _editor(), _diff(), spacing="4", width="100%"),
            rx.vstack(_versions(), _documents(), spacing="5", width="100%"),
            columns=rx.breakpoints(initial="1", md="1fr 18em"), spacing="5", width="100%",
        ),
    )
