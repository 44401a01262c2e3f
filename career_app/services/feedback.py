"""In-product feedback: anyone may send it (signed in or not, rate-limited per client address and
per account), with an optional screenshot that is decoded as an image and re-encoded, so that what
is stored is pixels only (no EXIF, GPS, comments or colour profiles, nothing that is not an image).
Admins triage it (new -> triaged -> done, in any order) and reply by notification."""

import io
import re
import time
import uuid
import warnings

import redis
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func
from sqlmodel import Session, select

from career_app.services import notifications
from career_app.services.errors import InvalidInput, NotFound, PayloadTooLarge, TooManyRequests
from models.base import utcnow
from models.notification import Category
from models.support import (AdminFeedbackOut, Feedback, FeedbackCategory, FeedbackOut, FeedbackPage,
                            FeedbackScreenshot, FeedbackStatus)
from models.user import User

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
MAX_SCREENSHOT_PIXELS = 40_000_000  # a 5 MB PNG can unpack to gigabytes: refuse before decoding
MAX_MESSAGE_CHARS = 5000
MAX_PAGE_CHARS = 300
PER_ADDRESS_PER_HOUR = 10
PER_USER_PER_HOUR = 20
MAX_PAGE_SIZE = 100
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _take_slot(r: redis.Redis, subject: str, limit: int) -> None:
    window = int(time.time() // 3600)
    key = f"feedback:rate:{subject}:{window}"
    pipe = r.pipeline()
    pipe.incr(key)
    pipe.expire(key, 7200)
    count, _ = pipe.execute()
    if count > limit:
        raise TooManyRequests("Thank you, but that is a lot of feedback for one hour; please try again later",
                              retry_after=3600 - int(time.time() % 3600))


def clean_screenshot(data: bytes) -> tuple[bytes, str, int, int]:
    """(re-encoded bytes, content type, width, height) of a PNG or JPEG, or InvalidInput/PayloadTooLarge."""
    if len(data) > MAX_SCREENSHOT_BYTES:
        raise PayloadTooLarge("A screenshot is at most 5 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
            if image.width * image.height > MAX_SCREENSHOT_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput("The screenshot's dimensions are too large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput("The screenshot must be a PNG or JPEG image") from exc
    fmt = image.format
    if fmt == "JPEG":
        image = ImageOps.exif_transpose(image)  # keep how it looked, then drop the EXIF itself
    # A fresh image holding the pixels only: nothing of the original's metadata comes along.
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {"optimize": False}))
    return out.getvalue(), _FORMATS[fmt], clean.width, clean.height


def _text(value: str | None, limit: int, what: str, required: bool) -> str:
    text = _CONTROL.sub("", value or "").strip()
    if required and not text:
        raise InvalidInput(f"The {what} is empty")
    if len(text) > limit:
        raise InvalidInput(f"The {what} is at most {limit:,} characters")
    return text


def _page(value: str | None) -> str:
    """The page it came from, as a same-site path; anything else is dropped, not stored."""
    page = _text(value, MAX_PAGE_CHARS, "page", False)
    if not page.startswith("/") or page.startswith("//"):
        return ""
    return page.rstrip("/") or "/"  # "/jobs/" and "/jobs" are one page


def screenshot_url(feedback_id: uuid.UUID) -> str:
    return f"/api/v1/admin/feedback/{feedback_id}/screenshot"


def _out(item: Feedback) -> FeedbackOut:
    return FeedbackOut(id=item.id, category=item.category, message=item.message, page=item.page, status=item.status,
                       created_at=item.created_at, screenshot_url=screenshot_url(item.id) if item.has_screenshot else None)


def submit(session: Session, r: redis.Redis, user: User | None, address: str, *, message: str | None,
           category: str | None, page: str | None, screenshot: bytes | None) -> FeedbackOut:
    """Everything is checked before anything is stored; one commit stores the feedback and its screenshot."""
    text = _text(message, MAX_MESSAGE_CHARS, "message", True)
    try:
        kind = FeedbackCategory(category or "other")
    except ValueError as exc:
        raise InvalidInput("The category is one of bug, idea, praise, other") from exc
    image = clean_screenshot(screenshot) if screenshot else None
    _take_slot(r, f"addr:{address}", PER_ADDRESS_PER_HOUR)
    if user is not None:
        _take_slot(r, f"user:{user.id}", PER_USER_PER_HOUR)
    item = Feedback(user_id=user.id if user else None, category=kind, message=text, page=_page(page),
                    has_screenshot=image is not None)
    session.add(item)
    if image is not None:
        data, content_type, width, height = image
        session.flush()
        session.add(FeedbackScreenshot(feedback_id=item.id, content_type=content_type, data=data, width=width,
                                       height=height))
    session.commit()
    session.refresh(item)
    return _out(item)


def _admin_out(item: Feedback, email: str | None) -> AdminFeedbackOut:
    return AdminFeedbackOut(**_out(item).model_dump(), user_id=item.user_id, user_email=email, reply=item.reply,
                            replied_at=item.replied_at)


def inbox(session: Session, status: FeedbackStatus | None = None, category: FeedbackCategory | None = None,
          skip: int = 0, limit: int = 20) -> FeedbackPage:
    """Newest first; the image bytes are never read here."""
    query = select(Feedback, User.email).join(User, User.id == Feedback.user_id, isouter=True)
    if status is not None:
        query = query.where(Feedback.status == status)
    if category is not None:
        query = query.where(Feedback.category == category)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Feedback.created_at.desc(), Feedback.id).offset(skip).limit(limit)).all()
    return FeedbackPage(items=[_admin_out(item, email) for item, email in rows], total=total, skip=skip, limit=limit)


def _get(session: Session, feedback_id: uuid.UUID) -> Feedback:
    item = session.get(Feedback, feedback_id)
    if item is None:
        raise NotFound("No such feedback")
    return item


def _email(session: Session, item: Feedback) -> str | None:
    user = session.get(User, item.user_id) if item.user_id else None
    return user.email if user else None


def set_status(session: Session, feedback_id: uuid.UUID, status: FeedbackStatus) -> AdminFeedbackOut:
    item = _get(session, feedback_id)
    item.status = FeedbackStatus(status)
    item.updated_at = utcnow()
    session.add(item)
    session.commit()
    return _admin_out(item, _email(session, item))


def reply(session: Session, r: redis.Redis, feedback_id: uuid.UUID, message: str) -> AdminFeedbackOut:
    """Answer the sender with a notification (and email, by their settings); the feedback is then
    triaged at least. Anonymous feedback has nobody to answer."""
    item = _get(session, feedback_id)
    text = _text(message, 4000, "reply", True)
    if item.user_id is None:
        raise InvalidInput("This feedback was sent without signing in: there is nobody to reply to")
    item.reply, item.replied_at, item.updated_at = text, utcnow(), utcnow()
    if item.status == FeedbackStatus.new:
        item.status = FeedbackStatus.triaged
    session.add(item)
    session.commit()
    quoted = item.message if len(item.message) <= 120 else item.message[:117] + "…"
    notifications.notify(session, r, item.user_id, type="feedback_reply", category=Category.system,
                         title="A reply to your feedback", message=f"{text}\n\nYou wrote: “{quoted}”",
                         data={"feedback_id": str(item.id)}, action_url=item.page or None)
    return _admin_out(item, _email(session, item))


def screenshot(session: Session, feedback_id: uuid.UUID) -> FeedbackScreenshot:
    shot = session.get(FeedbackScreenshot, feedback_id)
    if shot is None:
        raise NotFound("No screenshot for this feedback")
    return shot
