import reflex as rx

from career_app.pages.common import frame
from components.layout import error_callout, link_callout, loading_block
from state.resume import UPLOAD_ID, ResumeState


def _current() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Current resume", size="4"),
            rx.cond(
                ResumeState.has_resume,
                rx.vstack(
                    rx.text(ResumeState.file_name, weight="medium", id="current-resume"),
                    rx.text("Uploaded ", ResumeState.uploaded_at, " · ", ResumeState.characters, " characters",
                            size="2", color_scheme="gray"),
                    rx.flex(rx.foreach(ResumeState.resume_skills, lambda s: rx.badge(s, variant="soft")),
                            wrap="wrap", spacing="1"),
                    rx.button("Download", on_click=ResumeState.download, variant="soft", id="download-resume"),
                    spacing="2",
                ),
                rx.text("No resume yet. Upload one to get matched to jobs.", color_scheme="gray"),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def _uploader() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(ResumeState.has_resume, "Replace your resume", "Upload your resume"), size="4"),
            rx.upload.root(
                rx.vstack(
                    rx.icon("upload", size=28),
                    rx.text("Drop a PDF or DOCX here, or click to choose (10 MB at most)."),
                    rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, weight="bold", size="2")),
                    align="center", spacing="2",
                ),
                id=UPLOAD_ID,
                accept={"application/pdf": [".pdf"],
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"]},
                max_files=1,
                border="1px dashed var(--gray-a8)", padding="2em", width="100%", border_radius="8px",
            ),
            rx.button("Upload and parse", id="upload-resume", loading=ResumeState.uploading,
                      on_click=ResumeState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID))),
            rx.cond(
                ResumeState.upload_status != "",
                rx.vstack(rx.progress(value=ResumeState.progress, max=100, width="100%"),
                          rx.text("Status: ", ResumeState.upload_status, size="1", id="upload-status"), width="100%"),
            ),
            error_callout(ResumeState.error),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def _suggestion(label: str, field: str, shown: str | None = None) -> rx.Component:
    return rx.cond(
        ResumeState.suggestions[field] != "",
        rx.hstack(rx.text(label, ": ", weight="medium"), rx.text(ResumeState.suggestions[shown or field]),
                  rx.spacer(),
                  rx.cond(ResumeState.profile[field] == ResumeState.suggestions[field],
                          rx.badge("In your profile", color_scheme="green"),
                          rx.button("Accept", size="1", variant="soft", on_click=ResumeState.accept(field),
                                    id=f"accept-{field}")),
                  width="100%", align="center"),
    )


def _results() -> rx.Component:
    return rx.cond(
        ResumeState.upload_status == "done",
        rx.card(
            rx.vstack(
                rx.heading("What we found", size="4"),
                rx.text(ResumeState.found_characters, " characters extracted", id="characters-found"),
                rx.flex(rx.foreach(ResumeState.found_skills, lambda s: rx.badge(s, size="2")), wrap="wrap",
                        spacing="1", id="skills-found"),
                rx.divider(),
                rx.heading("Profile suggestions", size="3"),
                _suggestion("Name", "full_name"),
                _suggestion("Headline", "headline"),
                _suggestion("Location", "location"),
                _suggestion("Field", "family", "family_label"),
                _suggestion("Level", "seniority", "seniority_label"),
                rx.cond(ResumeState.suggested_skills.length() > 0,
                        rx.button("Add these skills to my profile", size="2", variant="soft",
                                  on_click=ResumeState.accept_skills, id="accept-skills")),
                rx.cond(ResumeState.notice != "",
                        link_callout(ResumeState.notice, "See and edit your profile", "/profile",
                                     id="profile-updated")),
                spacing="2", width="100%",
            ),
            width="100%",
        ),
    )


def resume_page() -> rx.Component:
    return frame(
        rx.cond(
            ResumeState.user_role == "seeker",
            rx.vstack(
                rx.heading("Your resume", size="7"),
                rx.grid(_uploader(), _current(), columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                        width="100%"),
                _results(),
                spacing="4", width="100%",
            ),
            rx.cond(ResumeState.signed_in, rx.text("Resumes are for job seekers."), loading_block()),
        )
    )
