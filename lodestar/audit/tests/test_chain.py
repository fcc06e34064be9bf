"""The hash chain on its own: no database needed."""

from __future__ import annotations

from lodestar.audit.chain import GENESIS_HASH, Link, entry_hash, first_break


def make_chain(n: int) -> list[Link]:
    links = []
    prev = GENESIS_HASH
    for number in range(1, n + 1):
        content = {"reason": f"change {number}", "changes": {"b": 1, "a": [None, "x"]}}
        content["prev_hash"] = prev
        stored = entry_hash(content)
        links.append(Link(number, f"uuid-{number}", prev, stored, content))
        prev = stored
    return links


def test_an_untouched_chain_has_no_break() -> None:
    assert first_break(make_chain(5)) == (5, None)


def test_an_empty_chain_has_no_break() -> None:
    assert first_break([]) == (0, None)


def test_the_hash_does_not_depend_on_key_order() -> None:
    assert entry_hash({"a": 1, "b": 2, "prev_hash": "x"}) == entry_hash(
        {"prev_hash": "x", "b": 2, "a": 1}
    )


def test_altered_content_is_named_at_the_altered_entry() -> None:
    links = make_chain(5)
    altered = dict(links[2].content, reason="something else")
    links[2] = Link(3, "uuid-3", links[2].prev_hash, links[2].stored_hash, altered)
    checked, broken = first_break(links)
    assert broken is not None
    assert (checked, broken.number, broken.uuid) == (3, 3, "uuid-3")
    assert "altered" in str(broken)


def test_a_removed_entry_is_named_at_the_entry_after_the_gap() -> None:
    links = make_chain(5)
    del links[1]
    _, broken = first_break(links)
    assert broken is not None
    assert broken.number == 3
    assert "Audit entry #3 (uuid-3)" in str(broken)


def test_a_rewritten_hash_breaks_the_next_link() -> None:
    links = make_chain(4)
    first = links[0]
    content = dict(first.content, reason="forged")
    links[0] = Link(1, "uuid-1", first.prev_hash, entry_hash(content), content)
    _, broken = first_break(links)
    assert broken is not None
    assert broken.number == 2
