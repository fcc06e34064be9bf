"""The audit trail's hash chain, in plain Python so it can be checked without Django.

Each entry's hash is SHA-256 over the canonical JSON of its content, which includes the
previous entry's hash. Changing any entry changes its hash, which no longer matches the
stored one; removing an entry leaves the next one pointing at a hash that is not there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def entry_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of `content` (which must hold "prev_hash") as canonical JSON."""
    # sort_keys: PostgreSQL's jsonb does not keep keys in the order they were written,
    # so the order must not matter. ensure_ascii=False keeps non-ASCII text as written.
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """One entry as the chain sees it: its identity, stored hashes and hashed content."""

    number: int
    uuid: str
    prev_hash: str
    stored_hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class Break:
    number: int
    uuid: str
    problem: str

    def __str__(self) -> str:
        return f"Audit entry #{self.number} ({self.uuid}): {self.problem}"


def first_break(links: Iterable[Link]) -> tuple[int, Break | None]:
    """Walk the chain in order; return how many links were read and the first break."""
    expected_prev = GENESIS_HASH
    checked = 0
    for link in links:
        checked += 1
        if link.prev_hash != expected_prev:
            return checked, Break(
                link.number,
                link.uuid,
                "its link to the entry before it is broken "
                "(an earlier entry was removed or altered).",
            )
        if entry_hash(link.content) != link.stored_hash:
            return checked, Break(
                link.number,
                link.uuid,
                "its content no longer matches its hash (the row was altered).",
            )
        expected_prev = link.stored_hash
    return checked, None
