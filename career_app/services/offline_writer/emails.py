"""Emails around an application: follow-up, thank you, withdrawal, negotiation, networking. What they
say about the application comes from the tracker: "I applied ... on 3 March 2025" only when the
seeker has an application for this job, with its real date; without one, the email asks about the
position and a note tells the seeker why."""

from career_app.services.offline_writer.brief import Brief, Written, long_date, note
from career_app.services.offline_writer.letters import GREETING, Writer

NO_APPLICATION = ("Your tracker has no application for this job, so this email does not say you applied. If you "
                   "did, add it on the tracker with the date and write the email again: the date will be named.")


def _applied(brief: Brief) -> str | None:
    """"on 3 March 2025" (or "" without a date) when the tracker holds an application; None otherwise."""
    app = brief.application
    if app is None:
        return None
    return f" on {long_date(app.applied_on)}" if app.applied_on else ""


def email(brief: Brief) -> Written:
    w = Writer(brief)
    kind, tone = brief.email_kind or "follow_up", w.tone
    company, role = brief.company, brief.role
    skills = w.reqs([m.requirement for m in brief.matched[:3]]) or None
    long = brief.length == "long"
    applied = _applied(brief)
    notes: list[dict] = []
    app = brief.application
    if kind == "follow_up":
        if applied is not None:
            subject = f"Following up on my application: {role}"
            body = [f"I applied for the {role} position at {company}{applied}, and I am writing to follow up. "
                    "I remain very interested in the role."]
            if app and app.interviewed_on:
                body[0] += f" Thank you again for the interview on {long_date(app.interviewed_on)}."
        else:
            subject = f"The {role} position at {company}"
            body = [f"I am writing about the {role} position at {company}, which interests me very much. I would "
                    "like to ask whether it is still open and how best to be considered for it."]
            notes.append(note(NO_APPLICATION))
        if skills:
            asks = f"The posting asks for {skills}, which is the work I do." if brief.has_job \
                else f"My experience in {skills} fits this role."
            evidence = w.sentences(w.evidence(1)) if long else []
            body.append(" ".join([asks, *evidence[:2]]))
        body.append("Could you tell me where the process stands, and whether you need anything more from me?"
                    if applied is not None else "Thank you for any guidance you can give me.")
    elif kind == "thank_you":
        subject = f"Thank you: {role} interview"
        when = f" on {long_date(app.interviewed_on)}" if app and app.interviewed_on else ""
        body = [f"Thank you for taking the time to talk with me{when} about the {role} position at {company}."]
        if skills:
            body.append(f"I enjoyed hearing how the team works, and I am even more keen to bring my experience in "
                        f"{skills} to it.")
        if long and brief.missing:
            body.append(f"{w.lack(brief.missing[:1])}, and I am keen to learn it.")
        body.append("Please let me know if I can send anything else.")
    elif kind == "withdrawal":
        subject = f"Withdrawing from the {role} process"
        if applied is not None:
            body = [f"Thank you for considering my application for the {role} position at {company}. After careful "
                    "thought, I have decided to withdraw it."]
        else:
            body = [f"Thank you for considering me for the {role} position at {company}. After careful thought, I "
                    "would like to withdraw from consideration."]
        body.append("I appreciate the time you and the team gave me, and I hope our paths cross again.")
    elif kind == "negotiation":
        subject = f"The {role} offer"
        if app is None or app.status != "offer":
            notes.append(note("Your tracker does not show an offer for this job: check that the email fits "
                              "where you are before sending it."))
        body = [f"Thank you for the offer for the {role} position at {company}. I am excited about it and want to "
                "make it work."]
        reason = f", given the experience I bring in {skills}" if skills else ""
        body.append(f"Before I accept, I would like to discuss the compensation{reason}. Is there flexibility on the "
                    "base salary or the overall package?")
        if long:
            body.append("I would be glad to talk it through on a call at a time that suits you.")
    else:  # networking
        subject = f"A question about the {role} role at {company}"
        if applied is not None:
            first = f"I applied for the {role} position at {company}{applied}, and I would value a few minutes of " \
                    "your perspective on the team and the work."
        else:
            first = f"I am exploring the {role} role at {company} and would value a few minutes of your " \
                    "perspective on the team and the work."
        body = [first]
        if skills:
            background = [f"My background is in {skills}."]
            current = w.role_sentence(w.current_role())
            if current:
                background.append(current)
            body.append(" ".join(background))
        body.append("Would you be open to a short call in the coming weeks?")
    if tone == "concise" and len(body) > 2:
        body = [body[0], body[-1]]
    greeting = GREETING[tone].format(company=company)
    text = "\n\n".join([f"Subject: {subject}", greeting, *body, w.signature(contact=True)])
    return Written(subject, text, notes)
