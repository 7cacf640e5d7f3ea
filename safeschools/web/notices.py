"""Notices to parents on the web: a school's sent notices and their Atom feed, the subscribe
form, the confirm and leave pages (their POST needs no session: the link's token is the
secret, and a mail program's one-click POST, RFC 8058, lands here), and the staff's page that
drafts, edits and sends the notice of an incident."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from safeschools.errors import NotFoundError, TooManyAttemptsError
from safeschools.model.incidents import CATEGORIES
from safeschools.policy.notice_text import category_title
from safeschools.render.atom import ATOM_TYPE, notices_feed
from safeschools.render.i18n import Lang
from safeschools.server.deps import get_user
from safeschools.server.sessions import CSRF_FIELD, check_csrf, csrf_token
from safeschools.services import notices as service_notices
from safeschools.services import subscriptions as service_subs
from safeschools.storage import Store
from safeschools.web import base
from safeschools.web.forms import FormDep, field, to_signin, version_read

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _school_name(store: Store, school_id: str) -> str:
    schools = store.schools(school_id=school_id)
    if not schools:
        msg = f"No school with id {school_id}; search by name at /search."
        raise NotFoundError(msg)
    return schools[-1].name


def _page(request: Request, L: Lang, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("school_name", None)
    context.setdefault("message", None)
    context["lang"] = L.code
    return base.page(request, "notices.html", context, L, page="notices", vintage=None,
                     status=status)  # fmt: skip


@router.get("/schools/{school_id}/notices.atom")
def feed(request: Request, school_id: str, lang: str = "en") -> Response:
    """The school's sent notices as an Atom feed (``?lang=es`` for Spanish)."""
    store: Store = request.app.state.store
    settings = request.app.state.settings
    body = notices_feed(
        service_notices.school_notices(store, school_id),
        school_id=school_id,
        school_name=_school_name(store, school_id),
        language="es" if lang == "es" else "en",
        base_url=settings.public_base_url,
        timezone=settings.timezone,
    )
    return Response(body, media_type=ATOM_TYPE)


@router.get("/schools/{school_id}/notices", response_class=HTMLResponse)
def notices_page(request: Request, school_id: str) -> HTMLResponse:
    """The school's sent notices, newest first, with the subscribe link and the feed."""
    store: Store = request.app.state.store
    L = base.lang(request)
    return _page(
        request, L, mode="list", school_id=school_id,
        school_name=_school_name(store, school_id),
        notices=service_notices.school_notices(store, school_id),
    )  # fmt: skip


def _subscribe_page(
    request: Request, school_id: str, *, message: str | None = None, status: int = 200
) -> HTMLResponse:
    store: Store = request.app.state.store
    L = base.lang(request)
    categories = [(c, category_title(c, L.code)) for c in CATEGORIES]
    return _page(
        request, L, status, mode="subscribe", school_id=school_id, message=message,
        school_name=_school_name(store, school_id), categories=categories,
        csrf=csrf_token(request), csrf_field=CSRF_FIELD,
    )  # fmt: skip


@router.get("/schools/{school_id}/notices/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request, school_id: str) -> HTMLResponse:
    """The subscribe form: email, language, categories."""
    return _subscribe_page(request, school_id)


@router.post("/schools/{school_id}/notices/subscribe", response_class=HTMLResponse)
def subscribe(request: Request, form: FormDep, school_id: str) -> HTMLResponse:
    """Ask for the notices: the same answer whether the address was there or not."""
    check_csrf(request, field(form, CSRF_FIELD))
    L = base.lang(request)
    try:
        service_subs.subscribe(
            request.app.state.store,
            school_id=school_id,
            address=field(form, "email"),
            language=field(form, "language") or L.code,
            categories=[str(v) for v in form.getlist("category")],
            settings=request.app.state.settings,
            client=request.client.host if request.client else None,
        )
    except TooManyAttemptsError:
        text = L.gettext("Too many subscriptions asked for; wait a while and try again.")
        return _subscribe_page(request, school_id, message=text, status=429)
    text = L.gettext(
        "Thank you. If the address can receive mail, a message is on its way: follow its "
        "link to confirm."
    )
    return _subscribe_page(request, school_id, message=text)


@router.get("/notices/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> HTMLResponse:
    """The confirm button of a confirmation link (a GET changes nothing: mail scanners open
    links)."""
    L = base.lang(request)
    carry = [(k, v) for k, v in request.query_params.items() if k in ("lang", "categories")]
    return _page(request, L, mode="confirm", carry=carry)


@router.post("/notices/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, form: FormDep, token: str) -> Response:
    """Confirm the subscription (no session: the token is the secret)."""
    categories = field(form, "categories")
    school_id = service_subs.confirm_subscription(
        request.app.state.store, token, language=field(form, "lang") or None,
        categories=[c for c in categories.split(",") if c] if categories else None,
        settings=request.app.state.settings,
    )  # fmt: skip
    L = base.lang(request)
    return _page(request, L, mode="done", message=L.gettext("Your subscription is confirmed."),
                 school_name=_school_name(request.app.state.store, school_id))  # fmt: skip


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    """The leave button of a notice's link."""
    store: Store = request.app.state.store
    school_id = service_subs.unsubscribe_school(store, token)
    L = base.lang(request)
    return _page(request, L, mode="unsubscribe", carry=[],
                 school_name=_school_name(store, school_id))  # fmt: skip


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    """Leave (the button, or a mail program's one-click POST; no session needed)."""
    store: Store = request.app.state.store
    school_id = service_subs.unsubscribe(store, token, settings=request.app.state.settings)
    L = base.lang(request)
    return _page(request, L, mode="done", message=L.gettext("You will receive no more notices."),
                 school_name=_school_name(store, school_id))  # fmt: skip


@router.get("/schools/{school_id}/incidents/{incident_id}/notice", response_class=HTMLResponse)
def staff_notice(request: Request, school_id: str, incident_id: int) -> Response:
    """The notice of an incident for the school's staff (a draft is made on first visit)."""
    user = get_user(request)
    back = f"/schools/{school_id}/incidents/{incident_id}/notice"
    if user is None:
        return to_signin(back)
    store: Store = request.app.state.store
    found = store.notice_of_incident(incident_id)
    if found is None or found.school_id != school_id:
        if found is not None:
            msg = f"Incident #{incident_id} is not one of school {school_id}'s."
            raise NotFoundError(msg)
        notice_id = service_notices.draft_notice(
            store, user, incident_id, settings=request.app.state.settings
        )["id"]
    else:
        notice_id = found.id
    notice = service_notices.notice_for_staff(store, user, notice_id)
    L = base.lang(request)
    message = None
    if notice["status"] == "sent":
        message = L.gettext("Sent to %(n)s subscribers.") % {"n": notice["recipients"]}
    return _page(
        request, L, mode="staff", notice=notice, message=message,
        school_name=_school_name(store, school_id),
        csrf=csrf_token(request), csrf_field=CSRF_FIELD,
    )  # fmt: skip


@router.post("/schools/{school_id}/incidents/{incident_id}/notice")
def staff_notice_post(
    request: Request, form: FormDep, school_id: str, incident_id: int
) -> Response:
    """Save the texts, or send (the school's principal or an administrator)."""
    check_csrf(request, field(form, CSRF_FIELD))
    back = f"/schools/{school_id}/incidents/{incident_id}/notice"
    user = get_user(request)
    if user is None:
        return to_signin(back)
    store: Store = request.app.state.store
    settings = request.app.state.settings
    found = store.notice_of_incident(incident_id)
    if found is None or found.school_id != school_id:
        msg = f"Incident #{incident_id} of school {school_id} has no notice yet; open {back}."
        raise NotFoundError(msg)
    version = version_read(field(form, "version"))
    texts = {f: field(form, f) for f in ("subject_en", "body_en", "subject_es", "body_es")}
    saved = service_notices.save_notice(
        store, user, found.id, {**texts, "version": version}, settings=settings
    )
    if field(form, "action") == "send":
        service_notices.send_notice(store, user, found.id, version=saved["version"],
                                    settings=settings)  # fmt: skip
    return RedirectResponse(back, status_code=303)
