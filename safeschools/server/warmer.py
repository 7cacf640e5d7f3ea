"""Pages computed while nobody is waiting, so the first visitor of a page gets it at once.

After the server starts, and again after every import or recorded write, :func:`warm` asks the
application itself for the pages people open most (the overview, every school's page under the
default definition, the district pages, the main API answers), in every language, one at a
time and only while no visitor's request is being answered: a visitor never waits behind more
than one page being warmed. The answers land in the response cache (and in the file the
workers share, so one worker's warming serves them all, and a restart on the same data finds
them there).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable, Sequence

from starlette.types import ASGIApp, Message

from safeschools.server.response_cache import WARMING, Activity

__all__ = ["warm", "warm_forever"]

log = logging.getLogger(__name__)

#: How long the warmer waits for visitors' requests to end before it looks again (seconds).
IDLE_POLL_S = 0.02


async def _get(app: ASGIApp, path: str, language: str) -> int:
    """Ask ``app`` for ``path`` as a browser reading ``language`` would; the status."""
    target, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target,
        "raw_path": target.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"accept-language", language.encode()),
            (b"accept-encoding", b"gzip, deflate"),
        ],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
        WARMING: True,
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def warm(
    app: ASGIApp, paths: Sequence[str], languages: Sequence[str], activity: Activity
) -> int:
    """Ask for every path in every language while the server is idle; how many answered 200."""
    answered = 0
    for language in languages:
        for path in paths:
            while not activity.idle:
                await asyncio.sleep(IDLE_POLL_S)
            try:
                answered += await _get(app, path, language) == 200
            except Exception:  # a page that fails is computed (and reported) when asked
                log.exception("could not prepare %s", path)
    return answered


async def warm_forever(
    app: ASGIApp,
    paths: Callable[[], Sequence[str]],
    languages: Sequence[str],
    activity: Activity,
    versions: Callable[[], Hashable],
    *,
    every_s: float = 5.0,
) -> None:
    """Warm the pages after the start, then again whenever the data change (until cancelled)."""
    done: Hashable = None
    while True:
        try:
            current = await asyncio.to_thread(versions)
            if current != done:
                wanted = await asyncio.to_thread(paths)
                answered = await warm(app, wanted, languages, activity)
                log.info("prepared %d pages", answered)
                done = current
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not prepare the pages")
        await asyncio.sleep(every_s)
