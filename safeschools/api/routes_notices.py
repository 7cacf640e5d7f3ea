"""Notices to parents in the API: draft from an incident, edit, send (the school's principal or
an administrator), the public list of sent notices, and subscribing (double opt-in) and leaving.

Confirming and leaving take the token of the mail's link and need no account: the token is the
secret. No answer ever holds a subscriber's address.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from safeschools.api.routes import ERROR_RESPONSES, WRITE_ERRORS
from safeschools.errors import TooManyAttemptsError
from safeschools.model import User
from safeschools.server.deps import SettingsDep, StoreDep, require_user
from safeschools.server.errors import error_body
from safeschools.server.inputs import MAX_INT
from safeschools.services import notices as service_notices
from safeschools.services import subscriptions as service_subs

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["notices to parents"], responses=ERROR_RESPONSES)

UserDep = Annotated[User, Depends(require_user)]
IncidentPath = Annotated[int, Path(ge=1, le=MAX_INT, description="The incident's id.")]
NoticePath = Annotated[int, Path(ge=1, le=MAX_INT, description="The notice's id.")]


class NoticeTexts(BaseModel):
    """The texts of a notice (a text left out stays) and the version read."""

    version: int = Field(description="The version of the notice you read.")
    subject_en: str | None = None
    body_en: str | None = None
    subject_es: str | None = None
    body_es: str | None = None


class Subscription(BaseModel):
    """A parent asking for a school's notices."""

    email: str = Field(description="Where the notices go (never shown anywhere).")
    language: str = Field("en", description="en or es.")
    categories: list[str] = Field(default_factory=list, description="Empty: every category.")


class Confirmation(BaseModel):
    """The choices a confirmation link carries."""

    language: str | None = None
    categories: list[str] | None = None


@router.post(
    "/incidents/{incident_id}/notice", summary="Draft the notice of an incident",
    responses=WRITE_ERRORS, status_code=201,
)  # fmt: skip
def draft_notice(
    store: StoreDep, settings: SettingsDep, user: UserDep, incident_id: IncidentPath
) -> dict[str, Any]:
    """A draft in English and Spanish from the category's template (one per incident)."""
    return service_notices.draft_notice(store, user, incident_id, settings=settings)


@router.get(
    "/notices/{notice_id}", summary="A notice, for the school's staff", responses=WRITE_ERRORS
)
def notice(store: StoreDep, user: UserDep, notice_id: NoticePath) -> dict[str, Any]:
    """Texts, status, version, history and delivery counts (never an address)."""
    return service_notices.notice_for_staff(store, user, notice_id)


@router.put("/notices/{notice_id}", summary="Edit a draft notice", responses=WRITE_ERRORS)
def put_notice(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    notice_id: NoticePath,
    texts: Annotated[NoticeTexts, Body()],
) -> dict[str, Any]:
    """Save the texts (400 when one holds a name, an id or the staff note; 409 when stale)."""
    data = {k: v for k, v in texts.model_dump().items() if v is not None}
    return service_notices.save_notice(store, user, notice_id, data, settings=settings)


@router.post("/notices/{notice_id}/send", summary="Send a notice", responses=WRITE_ERRORS)
def send_notice(
    store: StoreDep,
    settings: SettingsDep,
    user: UserDep,
    notice_id: NoticePath,
    version: Annotated[int, Body(embed=True)],
) -> dict[str, Any]:
    """Send to the school's confirmed subscribers, once (the school's principal or an
    administrator); ``sent_to`` and ``failed`` count the messages."""
    return service_notices.send_notice(store, user, notice_id, version=version, settings=settings)


@router.post(
    "/notices/{notice_id}/send-again",
    summary="Send a notice again to those it did not reach",
    responses=WRITE_ERRORS,
)
def resend_notice(
    store: StoreDep, settings: SettingsDep, user: UserDep, notice_id: NoticePath
) -> dict[str, Any]:
    """A sent notice, again, to the confirmed subscribers whose message failed or was never
    recorded (never twice to one it reached); ``sent_to`` and ``failed`` count this time's
    messages."""
    return service_notices.resend_notice(store, user, notice_id, settings=settings)


@router.get("/schools/{school_id}/notices", summary="A school's sent notices")
def school_notices(store: StoreDep, school_id: str) -> list[dict[str, Any]]:
    """Sent notices, newest first, in both languages (drafts are never public)."""
    return service_notices.school_notices(store, school_id)


@router.post(
    "/schools/{school_id}/subscriptions", summary="Subscribe to a school's notices",
    status_code=202,
)  # fmt: skip
def subscribe(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    school_id: str,
    subscription: Subscription,
) -> Any:
    """Send a confirmation mail; the answer is the same whether the address was there or not
    (429 with Retry-After past the limits)."""
    try:
        message = service_subs.subscribe(
            store,
            school_id=school_id,
            address=subscription.email,
            language=subscription.language,
            categories=subscription.categories,
            settings=settings,
            client=request.client.host if request.client else None,
        )
    except TooManyAttemptsError as exc:
        headers = {"Retry-After": str(exc.retry_after_s or 60)}
        return JSONResponse(error_body(429, str(exc)), status_code=429, headers=headers)
    return {"ok": True, "message": message}


@router.post("/subscriptions/confirm/{token}", summary="Confirm a subscription")
def confirm(
    store: StoreDep, settings: SettingsDep, token: str, choices: Confirmation | None = None
) -> dict[str, Any]:
    """Confirm with the token of the confirmation mail (no account needed)."""
    choices = choices or Confirmation()
    school_id = service_subs.confirm_subscription(
        store, token, language=choices.language, categories=choices.categories, settings=settings
    )
    return {"ok": True, "school_id": school_id, "status": "confirmed"}


@router.post("/subscriptions/unsubscribe/{token}", summary="Leave a school's notices")
def unsubscribe(store: StoreDep, settings: SettingsDep, token: str) -> dict[str, Any]:
    """Leave with the token of any notice's link (no account needed)."""
    school_id = service_subs.unsubscribe(store, token, settings=settings)
    return {"ok": True, "school_id": school_id, "status": "unsubscribed"}
