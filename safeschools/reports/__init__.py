"""Printable per-school reports for council meetings: HTML (print stylesheet) and PDF.

Built from :func:`safeschools.services.school_profile` with the same templates, maps and
translations as the web pages. The PDF needs WeasyPrint (``pip install 'safeschools[pdf]'``)
and never fetches anything from the network: only the package's own stylesheet is read.
"""

from safeschools.reports.school import pdf_from_html, school_report_html, school_report_pdf
from safeschools.reports.summary import SummaryRow, summary_rows

__all__ = ["SummaryRow", "pdf_from_html", "school_report_html", "school_report_pdf", "summary_rows"]
