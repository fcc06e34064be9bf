"""PDFs made with WeasyPrint from print templates of their own.

WeasyPrint lays out print CSS well but ignores much of the NHS.UK screen stylesheet,
so print templates carry their own small stylesheet and use only the machine's fonts.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Refuse every URL but inline data, so a PDF never waits on the network.

    A print template that linked a web font or an image by URL would otherwise make each
    PDF wait on (or hang behind) someone else's server.
    """

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"PDFs fetch nothing from outside: {url} refused.")
        return super().fetch(url, headers)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    fetcher = LocalOnlyFetcher(timeout=1, allow_redirects=False)
    # Tagged, so that screen readers can follow headings, lists and tables.
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_tags=True)
    return pdf
