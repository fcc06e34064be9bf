"""Which files may be attached as evidence. Pure Python, no Django.

A file is accepted only when its name has an allowed extension *and* its first bytes
look like that kind of file, so a renamed program or web page is refused. This is a
basic check, not a virus scan: evidence is only ever downloaded as an attachment.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

# Extension → what the file is called in messages.
ALLOWED: dict[str, str] = {
    ".pdf": "PDF",
    ".docx": "Word document",
    ".xlsx": "Excel workbook",
    ".pptx": "PowerPoint presentation",
    ".png": "PNG image",
    ".jpg": "JPEG image",
    ".jpeg": "JPEG image",
    ".csv": "CSV file",
    ".txt": "text file",
}

CONTENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".txt": "text/plain",
}

# Office Open XML files are zip archives with their parts in one folder each.
_OFFICE_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
_HEAD_BYTES = 8192


def extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _is_office(stream: IO[bytes], folder: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def _looks_like(ext: str, head: bytes, stream: IO[bytes]) -> bool:
    if ext == ".pdf":
        return b"%PDF-" in head[:1024]
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if ext in _OFFICE_FOLDERS:
        return head.startswith(b"PK\x03\x04") and _is_office(stream, _OFFICE_FOLDERS[ext])
    # CSV and text: binary files almost always contain a zero byte near the start.
    return b"\x00" not in head


def evidence_file_problem(name: str, size: int, stream: IO[bytes], max_bytes: int) -> str | None:
    """What is wrong with an uploaded file, naming it; None when it may be attached.

    `stream` is read from the start and left at the start.
    """
    ext = extension(name)
    if ext not in ALLOWED:
        kinds = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG, CSV or text"
        what = f"{ext} files" if ext else "files with no extension"
        return f"{name}: {what} cannot be attached. Attach {kinds} files."
    if size == 0:
        return f"{name} is empty."
    if size > max_bytes:
        return (
            f"{name} is {_megabytes(size)}; the largest file allowed is {_megabytes(max_bytes)}."
        )
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    looks_right = _looks_like(ext, head, stream)
    stream.seek(0)
    if not looks_right:
        return (
            f"{name} does not look like a {ALLOWED[ext]}: its contents do not match its "
            "name. Save it again in that format, or attach it as a link."
        )
    return None
