"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what arrives, for the notice tests.

A recipient named in :attr:`Mailbox.refuse` is refused (550), as a real server refuses an
unknown mailbox. With ``tls=True`` the server offers STARTTLS with a self-signed certificate
made at test time (``cryptography``); :attr:`Mailbox.ca_file` is the certificate to trust.
"""

from __future__ import annotations

import datetime as dt
import email
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Arrived:
    """One message as the server received it: the envelope's recipients and the message."""

    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.raw)

    def text(self) -> str:
        """Every part, decoded, with the headers: what a leak scan reads."""
        msg = self.message
        parts = [f"{k}: {v}" for k, v in msg.items()]
        for part in msg.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8"))
        return "\n".join(parts)


@dataclass
class Mailbox:
    host: str
    port: int
    arrived: list[Arrived] = field(default_factory=list)
    ca_file: Path | None = None
    refuse: set[str] = field(default_factory=set)

    def to(self, address: str) -> list[Arrived]:
        return [a for a in self.arrived if address in a.rcpt_tos]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.box.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.arrived.append(Arrived(list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def smtp_server(folder: Path | None = None, *, tls: bool = False) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 and a free port while the block runs."""
    box = Mailbox("127.0.0.1", _free_port())
    kwargs: dict[str, Any] = {}
    if tls:
        assert folder is not None
        cert_file, key_file = _self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        kwargs = {"tls_context": context, "require_starttls": True}
        box.ca_file = cert_file
    controller = Controller(_Handler(box), hostname=box.host, port=box.port, **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
