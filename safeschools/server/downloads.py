"""Files to download: the ``Content-Disposition`` header (RFC 6266 with RFC 5987's
``filename*``) and a CSV answer, documented in OpenAPI with its media type.

Any name can be asked for (a school id outside Latin-1, a line break in a path): the header
keeps an ASCII fallback ``filename="..."`` (other characters become ``-``) and the exact name
percent-encoded in UTF-8 as ``filename*=UTF-8''...``, so it can neither break the header nor
the connection.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

__all__ = ["CSV_MEDIA_TYPE", "CSV_RESPONSES", "content_disposition", "csv_download"]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
#: The OpenAPI ``responses`` of a route that answers a CSV file.
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The CSV file (UTF-8, the header first), with a file name.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, *, disposition: str = "attachment") -> str:
    """The header value naming ``filename``, safe for any text.

    Examples
    --------
    >>> content_disposition("officers-é€.csv")
    'attachment; filename="officers.csv"; filename*=UTF-8\\'\\'officers-%C3%A9%E2%82%AC.csv'
    """
    ascii_name = _UNSAFE.sub("-", filename).strip("-") or "download"
    ascii_name = re.sub(r"-+\.", ".", ascii_name)
    exact = quote(filename, safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{exact}"


def csv_download(body: str | bytes, filename: str) -> Response:
    """A CSV answer saved as ``filename``."""
    return Response(
        body,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename)},
    )
