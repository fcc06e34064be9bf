"""The risk scoring rules, tested exhaustively. Plain pytest: no database, no Django.

The expected grids are written out cell by cell, as a risk manager would read them off
the printed matrix, rather than computed: a test that recomputed likelihood x consequence
and looked the band up would only repeat the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lodestar.risk import scoring
from lodestar.risk.scoring import (
    NPSA_BANDS,
    POSSIBLE_SCORES,
    Band,
    ScoringError,
    above,
    band_for,
    check_bands,
    check_descriptors,
    check_rating,
    check_threshold,
    escalates,
    score,
    trend,
)

L, M, H, E = "Low", "Moderate", "High", "Extreme"

# NPSA 2008: rows are likelihood 5 (top) down to 1; columns consequence 1 to 5.
NPSA_GRID: dict[int, list[tuple[int, str]]] = {
    5: [(5, M), (10, H), (15, E), (20, E), (25, E)],
    4: [(4, M), (8, H), (12, H), (16, E), (20, E)],
    3: [(3, L), (6, M), (9, H), (12, H), (15, E)],
    2: [(2, L), (4, M), (6, M), (8, H), (10, H)],
    1: [(1, L), (2, L), (3, L), (4, M), (5, M)],
}

# The Christie's local grading: 1-3 Low, 4-9 Moderate, 10-14 High, 15-25 Extreme.
CHRISTIE_RAW: list[dict[str, Any]] = [
    {"name": "Low", "low": 1, "high": 3, "colour": "green"},
    {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
    {"name": "High", "low": 10, "high": 14, "colour": "amber"},
    {"name": "Extreme", "low": 15, "high": 25, "colour": "red"},
]
CHRISTIE_GRID: dict[int, list[tuple[int, str]]] = {
    5: [(5, M), (10, H), (15, E), (20, E), (25, E)],
    4: [(4, M), (8, M), (12, H), (16, E), (20, E)],
    3: [(3, L), (6, M), (9, M), (12, H), (15, E)],
    2: [(2, L), (4, M), (6, M), (8, M), (10, H)],
    1: [(1, L), (2, L), (3, L), (4, M), (5, M)],
}

CELLS = [(likelihood, consequence) for likelihood in range(1, 6) for consequence in range(1, 6)]


def npsa_raw() -> list[dict[str, Any]]:
    return [{"name": b.name, "low": b.low, "high": b.high, "colour": b.colour} for b in NPSA_BANDS]


def with_band(position: int, **changes: Any) -> list[dict[str, Any]]:
    """The NPSA table with one band (1-based) changed."""
    raw = npsa_raw()
    raw[position - 1] = raw[position - 1] | changes
    return raw


@pytest.mark.parametrize(("likelihood", "consequence"), CELLS)
def test_every_cell_of_the_npsa_matrix_has_the_right_score_and_band(
    likelihood: int, consequence: int
) -> None:
    expected_score, expected_band = NPSA_GRID[likelihood][consequence - 1]
    value = score(likelihood, consequence)
    assert value == expected_score
    assert band_for(value).name == expected_band
    assert band_for(value, NPSA_BANDS).name == expected_band


@pytest.mark.parametrize(("likelihood", "consequence"), CELLS)
def test_every_cell_under_the_christies_bands_has_the_right_band(
    likelihood: int, consequence: int
) -> None:
    bands = check_bands(CHRISTIE_RAW)
    expected_score, expected_band = CHRISTIE_GRID[likelihood][consequence - 1]
    value = score(likelihood, consequence)
    assert value == expected_score
    assert band_for(value, bands).name == expected_band


def test_the_christies_bands_grade_8_and_9_moderate_where_the_npsa_grades_them_high() -> None:
    differences = {
        (likelihood, consequence): (npsa[1], christie[1])
        for likelihood in range(1, 6)
        for consequence, (npsa, christie) in enumerate(
            zip(NPSA_GRID[likelihood], CHRISTIE_GRID[likelihood], strict=True), start=1
        )
        if npsa[1] != christie[1]
    }
    # 8 and 9 are High under the NPSA but Moderate at The Christie; nothing else moves.
    assert differences == {
        (4, 2): (H, M),
        (3, 3): (H, M),
        (2, 4): (H, M),
    }


def test_the_npsa_bands_are_the_default_with_the_nhs_colours() -> None:
    assert [(b.name, b.low, b.high, b.colour) for b in NPSA_BANDS] == [
        ("Low", 1, 3, "green"),
        ("Moderate", 4, 6, "yellow"),
        ("High", 8, 12, "amber"),
        ("Extreme", 15, 25, "red"),
    ]
    assert check_bands(npsa_raw()) == NPSA_BANDS
    assert all(b.colour in scoring.BAND_COLOURS for b in NPSA_BANDS)


def test_the_possible_scores_leave_out_7_11_13_14_and_17_to_19() -> None:
    assert POSSIBLE_SCORES == (1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25)
    impossible = sorted(set(range(1, 26)) - set(POSSIBLE_SCORES))
    assert impossible == [7, 11, 13, 14, 17, 18, 19, 21, 22, 23, 24]


def test_the_default_descriptors_and_scales_are_the_npsa_and_orange_book_words() -> None:
    assert scoring.DEFAULT_LIKELIHOOD == (
        "Rare",
        "Unlikely",
        "Possible",
        "Likely",
        "Almost certain",
    )
    assert scoring.DEFAULT_CONSEQUENCE == (
        "Negligible",
        "Minor",
        "Moderate",
        "Major",
        "Catastrophic",
    )
    assert scoring.DEFAULT_APPETITE_LEVELS == ("Averse", "Minimal", "Cautious", "Open", "Eager")
    assert scoring.DEFAULT_ESCALATION_THRESHOLD == 15


def test_a_score_no_band_covers_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ScoringError, match="No band covers a score of 7"):
        band_for(7)


@pytest.mark.parametrize("rating", [0, 6, -1, True, False, "3", 3.0, None])
def test_a_rating_outside_one_to_five_or_not_a_whole_number_is_refused(rating: Any) -> None:
    with pytest.raises(ScoringError, match="likelihood must be a whole number from 1 to 5"):
        score(rating, 3)
    with pytest.raises(ScoringError, match="consequence must be a whole number from 1 to 5"):
        score(3, rating)
    with pytest.raises(ScoringError, match="from 1 to 5"):
        check_rating(rating, "rating")


def test_the_refusal_of_a_rating_quotes_what_was_given() -> None:
    with pytest.raises(ScoringError, match=r"not '3'"):
        score("3", 1)  # type: ignore[arg-type]


# check_bands: what it accepts


def test_gaps_at_impossible_scores_are_allowed() -> None:
    # 7, 11, 13, 14 and 17-19 cannot occur, so leaving them out misgrades nothing.
    bands = check_bands(
        [
            {"name": "Low", "low": 1, "high": 3, "colour": "green"},
            {"name": "Moderate", "low": 4, "high": 6, "colour": "yellow"},
            {"name": "High", "low": 8, "high": 10, "colour": "amber"},
            {"name": "Serious", "low": 12, "high": 12, "colour": "pink"},
            {"name": "Extreme", "low": 15, "high": 16, "colour": "red"},
            {"name": "Catastrophic", "low": 20, "high": 25, "colour": "purple"},
        ]
    )
    assert [band_for(s, bands).name for s in (6, 8, 10, 12, 15, 16, 20)] == [
        "Moderate",
        "High",
        "High",
        "Serious",
        "Extreme",
        "Extreme",
        "Catastrophic",
    ]


def test_a_single_band_covering_everything_is_allowed() -> None:
    (only,) = check_bands([{"name": "All", "low": 1, "high": 25, "colour": "grey"}])
    assert only == Band("All", 1, 25, "grey")


def test_names_and_colours_are_trimmed() -> None:
    bands = check_bands(with_band(1, name="  Low ", colour=" green "))
    assert bands[0] == Band("Low", 1, 3, "green")


# check_bands: what it refuses, and how it says so


def test_a_gap_at_a_possible_score_is_refused_naming_the_score() -> None:
    # High starting at 9 leaves 8 (2x4, 4x2) with no band.
    with pytest.raises(ScoringError, match=r"^No band covers the score 8\.$"):
        check_bands(with_band(3, low=9))


def test_several_uncovered_scores_are_all_named() -> None:
    with pytest.raises(ScoringError, match=r"No band covers the scores 1, 2, 3\.$"):
        check_bands(npsa_raw()[1:])


def test_overlapping_bands_are_refused_naming_both() -> None:
    with pytest.raises(ScoringError, match=r"Low \(1-3\) and Moderate \(3-6\) overlap") as e:
        check_bands(with_band(2, low=3))
    assert e.value.band == 2


def test_bands_out_of_order_are_refused() -> None:
    with pytest.raises(ScoringError, match="out of order") as e:
        check_bands(list(reversed(npsa_raw())))
    assert e.value.band == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"low": 0}, "lowest score of band Low must be a whole number, 1 to 25"),
        ({"high": 26}, "highest score of band Low must be a whole number, 1 to 25"),
        ({"low": "1"}, "lowest score of band Low"),
        ({"low": 1.0}, "lowest score of band Low"),
        ({"high": True}, "highest score of band Low"),
        ({"high": None}, "highest score of band Low"),
    ],
)
def test_a_band_bound_that_is_not_a_whole_number_from_1_to_25_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScoringError, match=message) as e:
        check_bands(with_band(1, **changes))
    assert e.value.band == 1


def test_a_band_that_ends_below_where_it_starts_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"Band High ends \(8\) below where it starts \(12\)"):
        check_bands(with_band(3, low=12, high=8))


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_band_without_a_name_is_refused_by_position(name: Any) -> None:
    with pytest.raises(ScoringError, match=r"^Band 3 needs a name\.$") as e:
        check_bands(with_band(3, name=name))
    assert e.value.band == 3


def test_a_band_name_too_long_to_store_is_refused() -> None:
    with pytest.raises(ScoringError, match="at most 40 characters"):
        check_bands(with_band(1, name="L" * 41))
    assert check_bands(with_band(1, name="L" * 40))[0].name == "L" * 40


@pytest.mark.parametrize("colour", ["", "  ", None])
def test_a_band_without_a_colour_is_refused_by_name(colour: Any) -> None:
    with pytest.raises(ScoringError, match=r"^Band Extreme needs a colour\.$") as e:
        check_bands(with_band(4, colour=colour))
    assert e.value.band == 4


def test_two_bands_with_the_same_name_are_refused_whatever_the_case() -> None:
    with pytest.raises(ScoringError, match="Two bands are called high") as e:
        check_bands(with_band(4, name="high"))
    assert e.value.band == 4


@pytest.mark.parametrize("raw", [[], (), "Low", [["Low", 1, 25, "green"]], [None]])
def test_a_band_table_that_is_empty_or_not_a_list_of_bands_is_refused(raw: Any) -> None:
    with pytest.raises(ScoringError):
        check_bands(raw)


def test_a_missing_key_is_refused_like_an_empty_one() -> None:
    raw = npsa_raw()
    del raw[0]["colour"]
    with pytest.raises(ScoringError, match="Band Low needs a colour"):
        check_bands(raw)


# Descriptors and the threshold


def test_five_descriptors_are_accepted_and_trimmed() -> None:
    words = check_descriptors([" Rare", "Unlikely ", "Possible", "Likely", "Almost certain"], "x")
    assert words == scoring.DEFAULT_LIKELIHOOD


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["Rare", "Unlikely", "Possible", "Likely"], "Give five likelihood descriptors"),
        (["a", "b", "c", "d", "e", "f"], "Give five likelihood descriptors"),
        (["Rare", "", "Possible", "Likely", "Certain"], "Give five likelihood descriptors"),
        (["Rare", None, "Possible", "Likely", "Certain"], "Give five likelihood descriptors"),
        ("Rare!", "Give five likelihood descriptors"),
        (["Rare", "rare", "Possible", "Likely", "Certain"], "five different likelihood"),
        (["R" * 61, "b", "c", "d", "e"], "60 characters or fewer"),
    ],
)
def test_descriptors_must_be_five_different_short_words(raw: Any, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        check_descriptors(raw, "likelihood")


@pytest.mark.parametrize("value", [0, 26, -15, True, "15", 15.0, None])
def test_an_escalation_threshold_outside_1_to_25_is_refused(value: Any) -> None:
    with pytest.raises(ScoringError, match="escalation threshold must be a whole number"):
        check_threshold(value)


@pytest.mark.parametrize("value", [1, 12, 15, 25])
def test_an_escalation_threshold_from_1_to_25_is_accepted(value: int) -> None:
    assert check_threshold(value) == value


# Trend, tolerance and escalation


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [(None, 12, "new"), (12, 16, "up"), (16, 12, "down"), (12, 12, "same"), (1, 25, "up")],
)
def test_the_trend_compares_with_the_last_review(
    previous: int | None, current: int, expected: str
) -> None:
    assert trend(previous, current) == expected


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [(12, 12, False), (15, 12, True), (13, 12, True), (11, 12, False), (25, None, False)],
)
def test_a_score_equal_to_its_tolerance_is_within_it(
    value: int, limit: int | None, expected: bool
) -> None:
    assert above(value, limit) is expected


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [(14, 15, False), (15, 15, True), (16, 15, True), (12, 12, True), (1, 1, True)],
)
def test_a_score_at_the_escalation_threshold_escalates(
    value: int, threshold: int, expected: bool
) -> None:
    assert escalates(value, threshold) is expected


# Properties over every band table


@st.composite
def valid_band_tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Any band table check_bands should accept: bands in order, possibly with gaps that
    fall only on impossible scores, covering 1 to 25 between them."""
    cuts = draw(st.sets(st.sampled_from(POSSIBLE_SCORES[1:]), max_size=len(POSSIBLE_SCORES) - 1))
    starts = [1, *sorted(cuts)]
    raw = []
    for position, start in enumerate(starts):
        following = starts[position + 1] if position + 1 < len(starts) else 26
        # End anywhere from the last possible score before the next start to just below it.
        last_possible = max(s for s in POSSIBLE_SCORES if s < following)
        end = draw(st.integers(last_possible, following - 1))
        raw.append(
            {
                "name": f"Band {position + 1}",
                "low": start,
                "high": end,
                "colour": draw(st.sampled_from(sorted(scoring.BAND_COLOURS))),
            }
        )
    return raw


@given(valid_band_tables())
def test_any_valid_band_table_grades_every_possible_score_exactly_once(
    raw: list[dict[str, Any]],
) -> None:
    bands = check_bands(raw)
    for value in POSSIBLE_SCORES:
        assert sum(band.contains(value) for band in bands) == 1
        assert band_for(value, bands).contains(value)


_bound = st.one_of(st.integers(-2, 28), st.none(), st.text(max_size=2), st.booleans())


@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": st.text(max_size=3), "low": _bound, "high": _bound},
            optional={"colour": st.sampled_from(["", "red", "green"])},
        ),
        max_size=6,
    )
)
def test_any_band_table_is_either_refused_or_grades_every_possible_score_exactly_once(
    raw: list[dict[str, Any]],
) -> None:
    try:
        bands = check_bands(raw)
    except ScoringError:
        return
    for value in POSSIBLE_SCORES:
        assert sum(band.contains(value) for band in bands) == 1


@given(valid_band_tables(), st.sampled_from(CELLS), st.sampled_from(CELLS))
def test_a_higher_score_never_falls_in_a_lower_band(
    raw: list[dict[str, Any]], first: tuple[int, int], second: tuple[int, int]
) -> None:
    bands = check_bands(raw)
    a, b = score(*first), score(*second)
    if a <= b:
        assert bands.index(band_for(a, bands)) <= bands.index(band_for(b, bands))


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_score_is_a_possible_score_and_symmetric(likelihood: int, consequence: int) -> None:
    assert score(likelihood, consequence) in POSSIBLE_SCORES
    assert score(likelihood, consequence) == score(consequence, likelihood)
