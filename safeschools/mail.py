"""Sending mail through SMTP (the standard library's :mod:`smtplib`).

:func:`build_message` makes one multipart message (plain text and simple HTML) with the headers
a list mail needs: Message-ID, Date, List-Id, and ``List-Unsubscribe`` with
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058) when it has an unsubscribe
link. :func:`send_batch` sends many messages over ONE connection (settings ``smtp_host``,
``smtp_port``, ``smtp_tls`` none / starttls / ssl, ``smtp_username``, ``smtp_password``),
reconnecting once if the server drops it; a refused recipient or a failed message is recorded
(its error) and the batch goes on.
"""

from __future__ import annotations

import binascii
import html
import secrets
import smtplib
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from safeschools.settings import Settings

__all__ = ["Outgoing", "build_message", "list_id", "send_batch", "smtp_connection"]


@dataclass(frozen=True)
class Outgoing:
    """One message to send and its one recipient."""

    to: str
    message: bytes


def list_id(settings: Settings, school_id: str) -> str:
    """The List-Id of a school's notices: ``<notices.SCHOOL.HOST>``."""
    host = urlsplit(settings.public_base_url).hostname or "localhost"
    safe = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in school_id)
    return f"<notices.{safe}.{host}>"


def _html(text: str, link: tuple[str, str] | None) -> str:
    paragraphs = [
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in text.split("\n\n") if p
    ]
    if link is not None:
        words, url = link
        paragraphs.append(f'<p><a href="{html.escape(url)}">{html.escape(words)}</a></p>')
    return (
        '<!doctype html><html><body style="font-family:sans-serif;max-width:40em">'
        + "".join(paragraphs)
        + "</body></html>"
    )


def _qp(text: str) -> bytes:
    plain = text.replace("\r\n", "\n").replace("\r", "\n")
    return binascii.b2a_qp(plain.encode("utf-8"), istext=True)


def _header(name: str, value: str) -> bytes:
    if "\r" in value or "\n" in value:  # would start a header of its own
        msg = f"The {name} of a message holds a line break."
        raise ValueError(msg)
    if not value.isascii():
        value = Header(value, "utf-8", maxlinelen=998).encode()
    return f"{name}: {value}\n".encode("ascii")


def build_message(
    *,
    to: str,
    subject: str,
    text: str,
    sender: str,
    language: str,
    when: datetime,
    list_id: str | None = None,
    unsubscribe_url: str | None = None,
    link: tuple[str, str] | None = None,
) -> bytes:
    """A multipart (text + HTML) message, as the bytes sent. ``link``: (words, url) shown at
    the end of both parts; ``unsubscribe_url`` adds the one-click leave headers.

    Written directly (UTF-8 parts in quoted-printable, a random boundary): the standard
    library's :mod:`email` classes spend several milliseconds per message parsing the headers
    they are given, more than sending it to a server on the same network. A header is never
    folded inside a link."""
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "localhost"
    boundary = f"=_{secrets.token_hex(16)}"
    headers = [
        ("From", sender),
        ("To", to),
        ("Subject", subject),
        ("Date", format_datetime(when.astimezone())),
        ("Message-ID", make_msgid(domain=domain)),
        ("MIME-Version", "1.0"),
        ("Content-Language", language),
    ]
    if list_id is not None:
        headers.append(("List-Id", list_id))
    if unsubscribe_url is not None:
        token = unsubscribe_url.rstrip("/").rsplit("/", 1)[-1]
        headers.append(
            (
                "List-Unsubscribe",
                f"<{unsubscribe_url}>, <mailto:{sender}?subject=unsubscribe%20{token}>",
            )
        )
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
    plain = text if link is None else f"{text}\n\n{link[0]}: {link[1]}\n"
    parts = []
    for subtype, body in (("plain", plain), ("html", _html(text, link))):
        parts.append(
            f'--{boundary}\nContent-Type: text/{subtype}; charset="utf-8"\n'
            "Content-Transfer-Encoding: quoted-printable\n\n".encode("ascii")
            + _qp(body)
            + b"\n"
        )
    raw = (
        b"".join(_header(k, v) for k, v in headers)
        + b"\n"
        + b"".join(parts)
        + f"--{boundary}--\n".encode("ascii")
    )
    return raw.replace(b"\n", b"\r\n")  # SMTP's line ends (smtplib leaves bytes as they are)


def _connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context(
        cafile=None if settings.smtp_ca_file is None else str(settings.smtp_ca_file)
    )
    server: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        server = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s, context=context
        )
    else:
        server = smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        )
    try:
        server.ehlo()
        if settings.smtp_tls == "starttls":
            server.starttls(context=context)
            server.ehlo()
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password or "")
    except BaseException:
        server.close()
        raise
    return server


def _quit(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """One connection to the mail server, secured and logged in as the settings say."""
    server = _connect(settings)
    try:
        yield server
    finally:
        _quit(server)


def _error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values()]
        return "refused: " + "; ".join(codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


def send_batch(messages: Iterable[Outgoing], *, settings: Settings) -> list[str | None]:
    """Send every message over one connection; for each, None (the server took it) or the
    error. A server that cannot be reached fails every message, with its error; one that
    drops the connection is reached again once."""
    results: list[str | None] = []
    batch = _Batch(settings)
    try:
        results = [batch.send(item) for item in messages]
    finally:
        batch.close()
    return results


class _Batch:
    """The connection of one batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: smtplib.SMTP | None = None
        self.sender = settings.mail_from
        self.unreachable: str | None = None

    def _open(self) -> None:
        try:
            self.server = _connect(self.settings)
        except (smtplib.SMTPException, OSError) as exc:
            self.server = None
            self.unreachable = _error(exc)

    def close(self) -> None:
        if self.server is not None:
            _quit(self.server)
        self.server = None

    def send(self, item: Outgoing) -> str | None:
        error: str | None = None
        for _attempt in range(2):
            if self.unreachable is not None:
                return self.unreachable
            if self.server is None:
                self._open()
                if self.server is None:
                    return self.unreachable
            try:
                self.server.sendmail(self.sender, [item.to], item.message)
                return None
            except smtplib.SMTPServerDisconnected as exc:
                self.server = None
                error = _error(exc)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                try:
                    self.server.rset()
                except (smtplib.SMTPException, OSError):
                    self.close()
                return _error(exc)
        return error
