import reflex as rx

from career_app.pages.common import frame
from career_app.pages.profile_mailbox import mailbox_card
from career_app.pages.profile_tokens import tokens_card
from career_app.pages.support_widgets import linked_identities_card
from components.layout import error_callout, link_callout, loading_block
from state.profile import ProfileState as S

LABEL_STYLE = {"font_weight": "500", "font_size": "0.9em"}
SELECT_STYLE = {"padding": "0.45em", "width": "100%", "border_radius": "6px",
                "border": "1px solid var(--gray-a7)", "background": "var(--color-surface)"}


def _error(field: str) -> rx.Component:
    return rx.cond(S.field_errors.contains(field),
                   rx.text(S.field_errors[field], color_scheme="red", size="2", id=f"profile-{field}-error",
                           role="alert"))


def _from_resume(field: str) -> rx.Component:
    """What the resume reads for this field, with a button that puts it in the box (saved on Save)."""
    return rx.cond(
        S.from_resume[field] != "",
        rx.hstack(
            rx.text("From your resume: ", rx.text.em(S.from_resume[field]), size="1", color_scheme="gray"),
            rx.button("Use", type="button", size="1", variant="ghost", id=f"use-{field}",
                      aria_label=f"Use your resume's {field.replace('_', ' ')}",
                      on_click=rx.set_value(f"profile-{field}", S.from_resume[field])),
            align="center", spacing="2", wrap="wrap",
        ),
    )


def _text_field(label: str, field: str, hint: str = "", **props) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"profile-{field}", style=LABEL_STYLE),
        rx.input(id=f"profile-{field}", name=field, default_value=S.values[field], width="100%",
                 custom_attrs={"aria-describedby": f"profile-{field}-error profile-{field}-hint",
                               "aria-invalid": S.field_errors.contains(field).to(str)}, **props),
        rx.text(hint, size="1", color_scheme="gray", id=f"profile-{field}-hint") if hint else rx.fragment(),
        _error(field),
        _from_resume(field) if field != "full_name" else rx.fragment(),
        spacing="1", width="100%",
    )


def _select(label: str, field: str, read_as: rx.Var, options: rx.Var, hint: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"profile-{field}", style=LABEL_STYLE),
        rx.el.select(
            rx.el.option(rx.cond(read_as != "", "As my resume reads (" + read_as.to(str) + ")",
                                 "As my resume reads"), value=""),
            rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"], key=o["value"])),
            id=f"profile-{field}", name=field, default_value=S.values[field], style=SELECT_STYLE,
            custom_attrs={"aria-describedby": f"profile-{field}-error profile-{field}-hint"},
        ),
        rx.text(hint, size="1", color_scheme="gray", id=f"profile-{field}-hint"),
        _error(field),
        spacing="1", width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _text_field("Name", "full_name", required=True, max_length=120, auto_complete="name"),
            _text_field("Headline", "headline", hint="Your role, as you want employers to read it: "
                                                     "\"Registered Nurse\", \"Licensed Electrician\".",
                        max_length=160, placeholder=S.from_resume["headline"]),
            _text_field("Location", "location", max_length=120, placeholder=S.from_resume["location"],
                        auto_complete="address-level2"),
            _text_field("Skills", "skills", hint="Separated by commas. Known skills are saved under their usual "
                                                 "names (\"js\" becomes JavaScript).", max_length=6000),
            rx.grid(
                _select("Field (occupational family)", "family", S.from_resume["family"], S.family_options,
                        "Advice for you follows it, starting with the skills gap and where to learn."),
                _select("Level", "seniority", S.from_resume["seniority"], S.level_options,
                        "How senior you are, if your resume reads it wrong."),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%",
            ),
            _error("form"),
            rx.hstack(
                rx.button("Save profile", type="submit", loading=S.saving, id="save-profile"),
                rx.cond(S.saved != "", rx.text(S.saved, color_scheme="green", weight="medium", id="profile-saved")),
                align="center", spacing="3",
            ),
            spacing="4", width="100%",
        ),
        on_submit=S.save, reset_on_submit=False, key=S.form_key.to(str), id="profile-form",
        aria_label="Your profile",
    )


def profile_page() -> rx.Component:
    return frame(
        rx.cond(
            S.user_role == "seeker",
            rx.vstack(
                rx.heading("Your profile", size="7"),
                rx.text("What your resume says about you, as you want it read. Advice for you follows your field: ",
                        rx.text.strong(S.family_in_use, id="family-in-use"),
                        rx.cond(S.level_in_use != "", rx.fragment(", level ", rx.text.strong(S.level_in_use))),
                        ".", color_scheme="gray"),
                rx.cond(~S.has_resume & ~S.loading,
                        link_callout("Upload a resume and we will read these fields from it.", "Upload your resume",
                                     "/resume", id="profile-no-resume")),
                error_callout(S.error),
                rx.cond(S.loading, loading_block("Loading your profile…"),
                        rx.card(_form(), width="100%")),
                linked_identities_card(),
                mailbox_card(),
                tokens_card(),
                spacing="4", width="100%",
            ),
            rx.cond(S.signed_in, rx.vstack(
                rx.text("The profile page is for job seekers; your account details are on the dashboard."),
                linked_identities_card(), spacing="4", width="100%"), loading_block()),
        ),
        max_width="48em",
    )
