"""The plan on a page as a PDF: a real A4 landscape page, made without the network."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse

from lodestar.core.testing import PersonaTestCase
from lodestar.strategy.pdf import LocalOnlyFetcher, render_pdf
from lodestar.strategy.tests.seed_like import VISION, make_seed_like_strategy

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603 - a fixed tool on a file the test made
            [str(PDFTOTEXT), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    return re.sub(r"\s+", " ", result.stdout)


def expanded(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, so its objects can be searched."""
    parts = [pdf]
    # Not "\r?\nendstream": a compressed stream may end with a carriage return byte of its
    # own, and taking it for the line end cut the stream short (1 PDF in a few hundred).
    # A decompressor object leaves a real "\r" line end over as unused data instead.
    for stream in re.findall(rb"stream\r?\n(.*?)\nendstream", pdf, flags=re.DOTALL):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue  # not a Flate stream (an image, say)
    return b"\n".join(parts)


def page_count(pdf: bytes) -> int:
    """The page tree's /Count: the number of pages, without a PDF library."""
    # Outlines have a /Count too; the page tree is the dictionary of /Type /Pages.
    trees = re.findall(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", expanded(pdf))
    counts = [int(n) for tree in trees for n in re.findall(rb"/Count\s+(\d+)", tree)]
    return max(counts, default=0)


class PlanOnAPagePdfTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_seed_like_strategy(cls.org)

    def setUp(self) -> None:
        self.response = self.client.get(reverse("public_strategy:plan_pdf", args=["RXM"]))
        self.pdf = self.response.content

    def test_anyone_gets_a_real_pdf(self) -> None:
        self.assertEqual(self.response.status_code, 200)
        self.assertEqual(self.response["Content-Type"], "application/pdf")
        self.assertIn("rxm-plan-on-a-page.pdf", self.response["Content-Disposition"])
        self.assertTrue(self.pdf.startswith(b"%PDF-"))
        self.assertGreater(len(self.pdf), 1024)

    def test_a_second_request_is_not_made_again(self) -> None:
        with mock.patch("lodestar.strategy.public_views.render_pdf") as render:
            again = self.client.get(reverse("public_strategy:plan_pdf", args=["RXM"]))
        render.assert_not_called()
        self.assertEqual(again.content, self.pdf)

    def test_it_fits_on_one_page(self) -> None:
        self.assertEqual(page_count(self.pdf), 1)

    def test_it_is_tagged_for_screen_readers(self) -> None:
        self.assertIn(b"/StructTreeRoot", expanded(self.pdf))

    def test_the_page_is_a4_landscape(self) -> None:
        # A4 is 595 by 842 points; landscape puts the long side across.
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", expanded(self.pdf))
        assert box is not None, "no page box in the PDF"
        width, height = float(box[1]), float(box[2])
        self.assertAlmostEqual(width, 841.89, delta=1)
        self.assertAlmostEqual(height, 595.28, delta=1)

    def test_it_carries_the_vision_values_and_kinds(self) -> None:
        if PDFTOTEXT is None:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        text = pdf_text(self.pdf)
        self.assertIn(VISION, text)
        for words in ("Clinical priorities", "Strategic objectives", "Clinical ambitions"):
            self.assertIn(words, text)
        for words in ("People first", "Respect", "Honesty", "Do your best"):
            self.assertIn(words, text)

    def test_the_vision_is_above_the_columns_and_the_values_along_the_bottom(self) -> None:
        if PDFTOTEXT is None:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        text = pdf_text(self.pdf)
        order = [text.index(w) for w in (VISION, "Strategic objectives", "Our values")]
        self.assertEqual(order, sorted(order))


class NoNetworkTests(SimpleTestCase):
    def test_the_fetcher_refuses_web_addresses(self) -> None:
        fetcher = LocalOnlyFetcher()
        for url in (
            "https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2",
            "file:///etc/passwd",
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher.fetch(url)

    def test_the_fetcher_allows_inline_data(self) -> None:
        response = LocalOnlyFetcher().fetch("data:text/plain,hello")
        self.assertEqual(response.read(), b"hello")
        response.close()

    def test_a_pdf_with_remote_fonts_and_images_is_made_without_opening_them(self) -> None:
        html = (
            "<style>@font-face { font-family: F; src: url(https://example.org/f.woff2); }"
            "body { font-family: F; }</style><p>Offline vision</p>"
            '<img src="http://127.0.0.1:9/logo.png" alt="">'
        )
        with (
            mock.patch("urllib.request.OpenerDirector.open") as opened,
            mock.patch("lodestar.strategy.pdf.render_to_string", return_value=html),
        ):
            pdf = render_pdf("unused.html", {})
        opened.assert_not_called()
        self.assertTrue(pdf.startswith(b"%PDF-"))
