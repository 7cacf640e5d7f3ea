"""Printable per-school reports for council meetings: HTML (print stylesheet) and PDF.

Built from :func:`safeschools.services.school_profile` with the same templates, maps and
translations as the web pages: a summary card first (:func:`summary_rows`), then compact
details, laid out for 2 to 4 pages of US Letter (or A4, :data:`PAPERS`). The PDF needs
WeasyPrint (``pip install 'safeschools[pdf]'``) and never fetches anything from the network:
only the package's own stylesheet is read.
"""

from safeschools.reports.school import (
    PAPERS,
    paper_size,
    pdf_from_html,
    school_report_html,
    school_report_pdf,
    warm_pdf,
)
from safeschools.reports.summary import SummaryRow, summary_rows

__all__ = [
    "PAPERS",
    "SummaryRow",
    "paper_size",
    "pdf_from_html",
    "school_report_html",
    "school_report_pdf",
    "summary_rows",
    "warm_pdf",
]
