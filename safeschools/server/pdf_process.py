"""Reports laid out in a process of their own.

WeasyPrint lays a report out in Python, about a second of CPU per report; in the server's
process that second holds the interpreter, and every other visitor's page waits behind it.
:class:`PdfProcess` hands the HTML to one child process (started with ``spawn``, never forked
from a threaded server) that keeps WeasyPrint and its fonts loaded, and waits for the bytes in
the request's thread, holding nothing the other visitors need.

One per server process (:data:`PDF_PROCESS`), started on first use or by :meth:`warm`, ended
when the process exits. A report the child cannot make raises the child's error here.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from safeschools import reports
from safeschools.reports import warm_pdf

__all__ = ["PDF_PROCESS", "PdfProcess"]


def _layout(html: str, base_url: str | None) -> bytes:
    """In the child: the report's PDF (looked up there, by name)."""
    return reports.pdf_from_html(html, base_url=base_url)


class PdfProcess:
    """A child process that lays reports out (thread-safe)."""

    def __init__(self, *, workers: int = 1) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=warm_pdf,
                )
            return self._pool

    def render(self, html: str, base_url: str | None = None) -> bytes:
        """The PDF of ``html``, laid out in the child process (started again if it died)."""
        try:
            return self._executor().submit(_layout, html, base_url).result()
        except BrokenProcessPool:  # the child was killed: one more try with a new one
            self.close()
            return self._executor().submit(_layout, html, base_url).result()

    def warm(self) -> None:
        """Start the child and load WeasyPrint and its fonts there, before anybody asks."""
        self._executor().submit(int).result()

    def close(self) -> None:
        """End the child (a report being made is abandoned)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


#: The server process's one child for reports.
PDF_PROCESS = PdfProcess()
atexit.register(PDF_PROCESS.close)
