"""A school's sent notices as an Atom feed (RFC 4287), in one language."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

__all__ = ["ATOM_TYPE", "notices_feed"]

ATOM_TYPE = "application/atom+xml; charset=utf-8"
_NS = "http://www.w3.org/2005/Atom"
_TITLE = {"en": "Notices to parents of {school}", "es": "Avisos a las familias de {school}"}


def _stamp(value: str | None, timezone: str) -> str:
    when = datetime.fromisoformat(value) if value else datetime(2000, 1, 1)
    return when.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def notices_feed(
    notices: list[dict[str, Any]],
    *,
    school_id: str,
    school_name: str,
    language: str,
    base_url: str,
    timezone: str,
) -> bytes:
    """The feed of ``notices`` (the public shape, newest first) in ``language`` (en or es)."""
    ET.register_namespace("", _NS)
    base = base_url.rstrip("/")
    page = f"{base}/schools/{school_id}/notices" + ("?lang=es" if language == "es" else "")
    feed = ET.Element(f"{{{_NS}}}feed", {"xml:lang": language})
    ET.SubElement(feed, f"{{{_NS}}}id").text = f"{base}/schools/{school_id}/notices.atom"
    ET.SubElement(feed, f"{{{_NS}}}title").text = _TITLE[language].format(school=school_name)
    updated = notices[0]["sent_at"] if notices else None
    ET.SubElement(feed, f"{{{_NS}}}updated").text = _stamp(updated, timezone)
    ET.SubElement(feed, f"{{{_NS}}}link", {"rel": "alternate", "href": page})
    ET.SubElement(feed, f"{{{_NS}}}author").append(_named(school_name))
    for notice in notices:
        entry = ET.SubElement(feed, f"{{{_NS}}}entry")
        ET.SubElement(entry, f"{{{_NS}}}id").text = f"{base}/notices/{notice['id']}"
        ET.SubElement(entry, f"{{{_NS}}}title").text = notice[f"subject_{language}"]
        ET.SubElement(entry, f"{{{_NS}}}updated").text = _stamp(notice["sent_at"], timezone)
        ET.SubElement(entry, f"{{{_NS}}}link", {"rel": "alternate", "href": page})
        content = ET.SubElement(entry, f"{{{_NS}}}content", {"type": "text"})
        content.text = notice[f"body_{language}"]
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data


def _named(name: str) -> ET.Element:
    element = ET.Element(f"{{{_NS}}}name")
    element.text = name
    return element
