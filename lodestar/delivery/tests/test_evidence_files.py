"""Which files may be attached: extension and contents must agree. No database needed."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.test import SimpleTestCase

from lodestar.delivery.evidence_files import evidence_file_problem

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MAX = 1024 * 1024


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def workbook() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "Evidence"  # type: ignore[index]
    book.save(buffer)
    return buffer.getvalue()


def problem(name: str, content: bytes, max_bytes: int = MAX) -> str | None:
    return evidence_file_problem(name, len(content), io.BytesIO(content), max_bytes)


class EvidenceFileTests(SimpleTestCase):
    def test_each_allowed_kind_with_matching_contents_is_accepted(self) -> None:
        good = {
            "report.pdf": PDF,
            "chart.png": PNG,
            "photo.jpg": JPEG,
            "PHOTO.JPEG": JPEG,
            "minutes.docx": office("word/"),
            "figures.xlsx": workbook(),
            "slides.pptx": office("ppt/"),
            "data.csv": "ward,beds\nA,12\n£,1\n".encode(),
            "notes.txt": b"Plain notes.",
        }
        for name, content in good.items():
            with self.subTest(name=name):
                self.assertIsNone(problem(name, content))

    def test_a_kind_not_on_the_list_is_refused_by_name(self) -> None:
        message = problem("setup.exe", b"MZ\x90\x00")
        assert message is not None
        self.assertIn("setup.exe: .exe files cannot be attached", message)
        self.assertIn("PDF", message)
        self.assertIn("files with no extension", problem("README", b"text") or "")

    def test_a_file_whose_contents_do_not_match_its_name_is_refused(self) -> None:
        disguised = {
            "report.pdf": b"MZ\x90\x00 a Windows program",
            "chart.png": JPEG,
            "photo.jpg": b"<html><script>alert(1)</script></html>",
            "minutes.docx": workbook(),
            "slides.pptx": b"PK\x03\x04 not really a zip",
            "data.csv": b"MZ\x90\x00\x03\x00\x00\x00",
        }
        for name, content in disguised.items():
            with self.subTest(name=name):
                message = problem(name, content)
                assert message is not None
                self.assertIn(f"{name} does not look like a", message)

    def test_a_file_over_the_limit_is_refused_with_both_sizes(self) -> None:
        message = problem("big.pdf", PDF + b" " * (3 * MAX), max_bytes=2 * MAX)
        self.assertEqual(message, "big.pdf is 3.0 MB; the largest file allowed is 2.0 MB.")

    def test_a_file_exactly_at_the_limit_is_accepted(self) -> None:
        self.assertIsNone(problem("exact.pdf", PDF, max_bytes=len(PDF)))

    def test_an_empty_file_is_refused(self) -> None:
        self.assertEqual(problem("empty.txt", b""), "empty.txt is empty.")

    def test_the_stream_is_left_at_the_start_for_saving(self) -> None:
        stream = io.BytesIO(office("xl/"))
        evidence_file_problem("f.xlsx", len(stream.getvalue()), stream, MAX)
        self.assertEqual(stream.tell(), 0)
