"""A small client for Socrata data portals (the City of Chicago Data Portal runs on Socrata).

Rows come from ``<base_url>/resource/<dataset id>.json`` with SoQL paging parameters:
``$limit`` (rows per page), ``$offset`` (rows to skip), ``$order`` (a stable sort is what makes
offset paging safe), ``$where`` (a filter such as ``updated > '2025-01-18T03:11:58.000'``) and,
optionally, ``$$app_token`` (higher rate limits). Dates are floating local timestamps written
``2024-01-31T14:05:00.000``.

The HTTP client is passed in (``httpx.Client``), so callers decide proxies and headers and tests
can point it at a local server. A 5xx answer, a 429 or a network failure or timeout is retried a
bounded number of times with exponential backoff; a 4xx answer, or an answer that is not a JSON
list of rows, raises :class:`~safeschools.errors.SourceError` with one sentence saying what to do.

Examples
--------
>>> import httpx
>>> with httpx.Client() as http:  # doctest: +SKIP
...     portal = SocrataClient(http, base_url="https://data.cityofchicago.org")
...     rows = portal.page("gumc-mgzr", limit=10, offset=0, order="updated, unique_id")
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from safeschools.errors import SourceError

__all__ = ["Page", "SocrataClient", "soql_and", "soql_literal"]

#: HTTP statuses worth asking again: the portal is busy or briefly broken.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def soql_literal(value: str) -> str:
    """Quote a value for a SoQL ``$where`` clause (single quotes, doubled inside).

    Examples
    --------
    >>> soql_literal("2024-01-31T14:05:00")
    "'2024-01-31T14:05:00'"
    >>> soql_literal("O'HARE")
    "'O''HARE'"
    """
    return "'" + value.replace("'", "''") + "'"


def soql_and(*clauses: str | None) -> str | None:
    """Join the non-empty clauses with ``AND``; ``None`` when there are none.

    Examples
    --------
    >>> soql_and("updated > '2025-01-01T00:00:00'", None, "date >= '2019-01-01T00:00:00'")
    "updated > '2025-01-01T00:00:00' AND date >= '2019-01-01T00:00:00'"
    """
    parts = [c for c in clauses if c]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({p})" if " OR " in p.upper() else p for p in parts)


@dataclass
class Page:
    """One page of rows and the field names the portal says the dataset has."""

    rows: list[dict[str, Any]]
    fields: list[str] = field(default_factory=list)


class SocrataClient:
    """Read rows of Socrata datasets, page by page.

    Parameters
    ----------
    client
        The HTTP client to send requests with; the caller opens and closes it.
    base_url
        The portal, e.g. ``https://data.cityofchicago.org``.
    app_token
        Optional Socrata app token, sent as ``$$app_token``.
    timeout_s
        Timeout of one request, seconds.
    retries
        How many times a failed request (5xx, 429, network error, timeout) is sent again.
    backoff_s
        Wait before the first retry, seconds; doubled for each further retry.
    sleep
        How to wait (``time.sleep``; tests pass a recorder).
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        base_url: str,
        app_token: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.app_token = app_token
        self.timeout_s = timeout_s
        self.retries = max(0, retries)
        self.backoff_s = backoff_s
        self.sleep = sleep

    def resource_url(self, dataset_id: str, fmt: str = "json") -> str:
        """``<base_url>/resource/<dataset_id>.<fmt>``."""
        return f"{self.base_url}/resource/{dataset_id}.{fmt}"

    def query_params(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order: str | None = None,
        where: str | None = None,
        select: str | None = None,
    ) -> dict[str, str]:
        """The SoQL query parameters of one request (``$$app_token`` included when set)."""
        params: dict[str, str] = {}
        if select:
            params["$select"] = select
        if where:
            params["$where"] = where
        if order:
            params["$order"] = order
        if limit is not None:
            params["$limit"] = str(limit)
        if offset is not None:
            params["$offset"] = str(offset)
        if self.app_token:
            params["$$app_token"] = self.app_token
        return params

    def page(
        self,
        dataset_id: str,
        *,
        limit: int,
        offset: int,
        order: str,
        where: str | None = None,
    ) -> Page:
        """One page of rows: ``$limit`` rows from ``$offset`` in ``$order``, filtered by ``$where``.

        Raises
        ------
        SourceError
            The portal refused the request (4xx), kept failing after the retries, or answered
            something that is not a JSON list of rows.
        """
        params = self.query_params(limit=limit, offset=offset, order=order, where=where)
        what = f"dataset {dataset_id} (rows {offset + 1}-{offset + limit})"
        response = self._get(self.resource_url(dataset_id), params, what)
        rows = _json_rows(response, what)
        return Page(rows=rows, fields=_soda_fields(response))

    def count(self, dataset_id: str, *, where: str | None = None) -> int:
        """How many rows match ``where`` (``$select=count(*)``)."""
        params = self.query_params(select="count(*) AS row_count", where=where)
        what = f"the row count of dataset {dataset_id}"
        response = self._get(self.resource_url(dataset_id), params, what)
        rows = _json_rows(response, what)
        values = list(rows[0].values()) if rows else []
        try:
            return int(str(values[0]))
        except (IndexError, ValueError):
            msg = (
                f"The portal's answer for {what} holds no number ({_snippet(response.text)}); "
                "check that socrata_base_url points at a Socrata portal."
            )
            raise SourceError(msg) from None

    # ------------------------------------------------------------------ internals
    def _get(self, url: str, params: dict[str, str], what: str) -> httpx.Response:
        attempts = self.retries + 1
        problem = ""
        wait_s = self.backoff_s
        for attempt in range(attempts):
            if attempt:
                self.sleep(wait_s)
                wait_s *= 2
            try:
                response = self.client.get(url, params=params, timeout=self.timeout_s)
            except httpx.TimeoutException:
                problem = f"timed out after {self.timeout_s:g} s"
                continue
            except httpx.TransportError as exc:
                problem = f"could not be reached ({type(exc).__name__}: {exc})"
                continue
            if response.status_code in RETRY_STATUSES:
                problem = f"answered {response.status_code} {response.reason_phrase}"
                hinted = _retry_after_s(response)
                if hinted is not None:
                    wait_s = max(wait_s, min(hinted, 60.0))
                continue
            if response.is_error:
                raise SourceError(_refusal(response, what, self.base_url))
            return response
        msg = (
            f"The portal {self.base_url} {problem} for {what}, {attempts} times; "
            "try again later (a fetch resumes where it stopped)."
        )
        raise SourceError(msg)


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return None


def _snippet(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "an empty answer"
    return repr(flat[:limit] + ("..." if len(flat) > limit else ""))


def _refusal(response: httpx.Response, what: str, base_url: str) -> str:
    detail = ""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        detail = f" ({str(body['message'])[:160]})"
    status = f"{response.status_code} {response.reason_phrase}"
    if response.status_code == 404:
        hint = (
            "check the dataset id (SAFESCHOOLS_VICTIMS_DATASET_ID / SAFESCHOOLS_CRIMES_DATASET_ID) "
            f"and that {base_url} is the right portal (SAFESCHOOLS_SOCRATA_BASE_URL)"
        )
    elif response.status_code in (401, 403):
        hint = "check SAFESCHOOLS_SOCRATA_APP_TOKEN, or unset it to fetch without a token"
    else:
        hint = "check the --since value and the dataset's column names"
    return f"The portal refused {what} with {status}{detail}; {hint}."


def _json_rows(response: httpx.Response, what: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        msg = (
            f"The portal's answer for {what} is not JSON ({_snippet(response.text)}); "
            "check that socrata_base_url points at a Socrata portal."
        )
        raise SourceError(msg) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        msg = (
            f"The portal's answer for {what} is JSON but not a list of rows "
            f"({_snippet(response.text)}); check that socrata_base_url points at a Socrata portal."
        )
        raise SourceError(msg)
    return data


def _soda_fields(response: httpx.Response) -> list[str]:
    """The dataset's field names from the ``X-SODA2-Fields`` header (empty when absent)."""
    raw = response.headers.get("X-SODA2-Fields")
    if not raw:
        return []
    try:
        names: Sequence[Any] = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(names, list):
        return []
    return [str(n) for n in names]
