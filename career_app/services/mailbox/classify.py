"""The offline classifier of application emails, written for the project: weighted phrases in the
common wordings of English, German, French, Spanish and Dutch recruiting mail, scored on the subject
(counted twice) and the first part of the text. Also reads an interview invitation's date and time.

The phrase lists were written from common recruiting wording alongside the "tune" half of
tests/data/mailbox_messages.py and left alone when measured on the "held_out" half."""

import re
from datetime import datetime, timedelta, timezone

from models.mailbox import MailKind

# kind -> (weight, phrases). A rejection usually thanks the candidate for applying too, and an
# offer or an invitation usually mentions the application: the weights let the decisive phrase win.
PHRASES: dict[MailKind, tuple[float, tuple[str, ...]]] = {
    MailKind.rejection: (3.0, (
        "unfortunately", "regret to inform", "not be moving forward", "not moving forward", "decided to move forward with other",
        "decided to pursue other candidates", "will not be proceeding", "not to proceed", "position has been filled",
        "not selected", "other candidates whose", "we won't be", "we will not be", "no longer under consideration",
        "leider", "absage", "nicht berücksichtigen", "anderen kandidaten", "nicht weiter berücksichtigt",
        "malheureusement", "pas retenue", "pas été retenue", "ne pas donner suite", "autre candidat",
        "lamentablemente", "desafortunadamente", "no ha sido seleccionad", "otros candidatos", "no continuar",
        "helaas", "afwijzing", "niet verder", "andere kandidaat")),
    MailKind.offer: (3.5, (
        "pleased to offer", "happy to offer", "offer letter", "job offer", "offer of employment", "extend an offer",
        "extend you an offer", "your offer", "compensation package", "start date", "welcome aboard",
        "arbeitsvertrag", "vertragsangebot", "angebot für die position", "freuen uns, ihnen", "ihr angebot",
        "offre d'emploi", "proposition d'embauche", "lettre d'offre", "promesse d'embauche",
        "oferta de empleo", "oferta laboral", "carta de oferta", "aanbod", "arbeidsovereenkomst", "contractvoorstel")),
    MailKind.interview: (2.5, (
        "interview", "schedule a call", "schedule a time", "book a time", "phone screen", "video call",
        "meet the team", "next round", "availability", "calendly", "invite you to", "technical screen",
        "vorstellungsgespräch", "kennenlerngespräch", "einladung zum gespräch", "gesprächstermin", "einladen",
        "entretien", "entrevue", "vous rencontrer", "échange téléphonique",
        "entrevista", "reunión", "conocerte", "sollicitatiegesprek", "gesprek", "kennismaking")),
    MailKind.confirmation: (1.5, (
        "thank you for applying", "thanks for applying", "application received", "received your application",
        "we have received", "thank you for your application", "thank you for your interest", "application has been submitted",
        "successfully submitted", "your application for", "eingang ihrer bewerbung", "bewerbung erhalten",
        "vielen dank für ihre bewerbung", "danke für ihre bewerbung",
        "candidature a bien été reçue", "merci pour votre candidature", "accusé de réception", "nous avons bien reçu",
        "hemos recibido tu solicitud", "gracias por tu solicitud", "gracias por postularte", "solicitud recibida",
        "bedankt voor je sollicitatie", "sollicitatie ontvangen", "bedankt voor uw sollicitatie")),
    MailKind.outreach: (2.0, (
        "came across your profile", "your profile", "i'm a recruiter", "i am a recruiter", "recruiter at",
        "reaching out", "open to new opportunities", "would you be open", "exciting opportunity", "great fit for",
        "are you open to", "ihr profil", "auf ihr profil", "spannende position", "offen für",
        "votre profil", "opportunité", "tu perfil", "oportunidad", "je profiel", "interessante functie")),
}
# The order a tie is broken in: the more consequential kind first.
PRIORITY = (MailKind.offer, MailKind.rejection, MailKind.interview, MailKind.confirmation, MailKind.outreach)
THRESHOLD = 1.5  # below: other
BODY_CHARS = 4000


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("’", "'"))


def scores(subject: str, body: str) -> dict[MailKind, float]:
    subject, body = _norm(subject), _norm(body)[:BODY_CHARS]
    out = {}
    for kind, (weight, phrases) in PHRASES.items():
        hits = sum(2 for p in phrases if p in subject) + sum(1 for p in phrases if p in body)
        out[kind] = weight * min(hits, 3)
    return out


def classify(subject: str, body: str) -> MailKind:
    found = scores(subject, body)
    best = max(PRIORITY, key=lambda kind: (found[kind], -PRIORITY.index(kind)))
    return best if found[best] >= THRESHOLD else MailKind.other


# --- the interview's date and time -------------------------------------------------------------

_MONTHS = {name: i + 1 for i, names in enumerate([
    ("january", "jan", "januar", "janvier", "enero", "januari"), ("february", "feb", "februar", "février", "febrero", "februari"),
    ("march", "mar", "märz", "mars", "marzo", "maart"), ("april", "apr", "avril", "abril"),
    ("may", "mai", "mayo", "mei"), ("june", "jun", "juni", "juin", "junio"), ("july", "jul", "juli", "juillet", "julio"),
    ("august", "aug", "août", "agosto", "augustus"), ("september", "sep", "sept", "septembre", "septiembre"),
    ("october", "oct", "oktober", "octobre", "octubre"), ("november", "nov", "novembre", "noviembre"),
    ("december", "dec", "dezember", "décembre", "diciembre")]) for name in names}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_TIME = r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.|uhr|h)?"
_DATE_PATTERNS = (
    re.compile(r"(?P<y>20\d\d)-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[./-](?P<mo>\d{1,2})[./-](?P<y>20\d\d)"),
    re.compile(rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?,?(?:\s+(?P<y>20\d\d))?"),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<mon>{_MONTH_RE})\b\.?(?:\s+(?:de\s+)?(?P<y>20\d\d))?"),
)
_TIME_RE = re.compile(r"(?:\bat|\bum|à|a las|\bom|@)\s*" + _TIME + r"|\b(?P<h2>\d{1,2})(?::(?P<m2>\d{2})\s*(?P<ap2>am|pm)?|\s*(?P<ap3>am|pm)\b)")


def interview_time(text: str, sent: datetime | None) -> datetime | None:
    """The first date (and the time after it) an invitation names, as UTC; a date without a year is
    the next one on or after the day the email was sent. None when no date is found."""
    text = _norm(text)[:BODY_CHARS]
    sent = sent or datetime.now(timezone.utc)
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        try:
            month = int(parts["mo"]) if parts.get("mo") else _MONTHS[parts["mon"]]
            day, year = int(parts["d"]), int(parts["y"]) if parts.get("y") else sent.year
            when = datetime(year, month, day, tzinfo=timezone.utc)
        except (ValueError, KeyError):
            continue
        if not parts.get("y") and when.date() < sent.date():
            when = when.replace(year=year + 1)
        moment = _TIME_RE.search(text, match.end(), match.end() + 60) or _TIME_RE.search(text, max(match.start() - 40, 0))
        if moment:
            hour = int(moment.group("h") or moment.group("h2"))
            minute = int(moment.group("m") or moment.group("m2") or 0)
            ap = (moment.group("ap") or moment.group("ap2") or moment.group("ap3") or "").replace(".", "")
            if ap == "pm" and hour < 12:
                hour += 12
            if ap == "am" and hour == 12:
                hour = 0
            if hour < 24 and minute < 60:
                when += timedelta(hours=hour, minutes=minute)
        return when
    return None
