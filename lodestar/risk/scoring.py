"""Risk scoring on a 5x5 matrix: pure Python, no Django (an import-linter contract).

The default is the NPSA's *A risk matrix for risk managers* (January 2008): score =
likelihood x consequence, each 1 to 5, graded 1-3 Low, 4-6 Moderate, 8-12 High and
15-25 Extreme. Organisations may change the descriptors and the bands (The Christie, for
one, uses 1-3, 4-9, 10-14 and 15-25), so bands are data, checked by `check_bands`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

#: The scores a 5x5 matrix can give; 7, 11, 13, 14 and 17-19 cannot occur.
POSSIBLE_SCORES: Final[tuple[int, ...]] = tuple(
    sorted({likelihood * consequence for likelihood in range(1, 6) for consequence in range(1, 6)})
)

DEFAULT_LIKELIHOOD: Final[tuple[str, ...]] = (
    "Rare",
    "Unlikely",
    "Possible",
    "Likely",
    "Almost certain",
)
DEFAULT_CONSEQUENCE: Final[tuple[str, ...]] = (
    "Negligible",
    "Minor",
    "Moderate",
    "Major",
    "Catastrophic",
)
#: HM Government's Orange Book scale, from least to most willing to take risk.
DEFAULT_APPETITE_LEVELS: Final[tuple[str, ...]] = (
    "Averse",
    "Minimal",
    "Cautious",
    "Open",
    "Eager",
)
DEFAULT_ESCALATION_THRESHOLD: Final = 15

#: The colours a band may be given on the settings page, each drawn as an NHS.UK tag
#: (amber as the tag's orange) with the band's name written on it, so colour is never
#: the only sign of a band.
BAND_COLOURS: Final[dict[str, str]] = {
    "green": "Green",
    "yellow": "Yellow",
    "amber": "Amber",
    "orange": "Orange",
    "red": "Red",
    "blue": "Blue",
    "purple": "Purple",
    "pink": "Pink",
    "grey": "Grey",
    "white": "White",
}
#: Band names are stored beside each score in a column of this width.
MAX_BAND_NAME: Final = 40
#: Descriptors head the matrix's rows and columns, so they must stay short.
MAX_DESCRIPTOR: Final = 60


class ScoringError(ValueError):
    """A matrix, band table or rating that breaks the rules, with a message saying how.

    `band` is the 1-based position of the band at fault, when there is one, so that a
    form can put the message beside that row.
    """

    def __init__(self, message: str, *, band: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.band = band


@dataclass(frozen=True)
class Band:
    name: str
    low: int
    high: int
    colour: str

    def contains(self, score: int) -> bool:
        return self.low <= score <= self.high


#: NPSA 2008 grading, with the NHS's usual colours (green, yellow, amber, red).
NPSA_BANDS: Final[tuple[Band, ...]] = (
    Band("Low", 1, 3, "green"),
    Band("Moderate", 4, 6, "yellow"),
    Band("High", 8, 12, "amber"),
    Band("Extreme", 15, 25, "red"),
)

Trend = Literal["up", "down", "same", "new"]


def check_rating(value: object, what: str) -> int:
    """A likelihood or consequence rating: a whole number from 1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ScoringError(f"The {what} must be a whole number from 1 to 5, not {value!r}.")
    return value


def score(likelihood: int, consequence: int) -> int:
    """NPSA 2008: risk score = consequence x likelihood."""
    return check_rating(likelihood, "likelihood") * check_rating(consequence, "consequence")


def band_for(value: int, bands: Sequence[Band] = NPSA_BANDS) -> Band:
    """The band a score falls in. `bands` must have passed `check_bands`."""
    for band in bands:
        if band.contains(value):
            return band
    raise ScoringError(f"No band covers a score of {value}.")


def check_bands(raw: Sequence[object]) -> tuple[Band, ...]:
    """Turn stored bands into `Band`s, refusing any table that would misgrade a score.

    Bands are given lowest first. Each needs a name, whole-number bounds and a colour;
    together they must grade every possible score (1 to 25) exactly once, without
    overlapping. Gaps at impossible scores (7, 11, 13, 14, 17-19) are allowed, which is
    how the NPSA table leaves out 7 and 13-14.
    """
    if isinstance(raw, str | bytes) or not raw:
        raise ScoringError("Give at least one band.")
    bands = tuple(_band(i, item) for i, item in enumerate(raw, start=1))
    for position, (earlier, later) in enumerate(itertools.pairwise(bands), start=2):
        if later.low <= earlier.high:
            raise ScoringError(
                f"Bands {earlier.name} ({earlier.low}-{earlier.high}) and {later.name} "
                f"({later.low}-{later.high}) overlap or are out of order: list bands "
                "lowest first, each starting above the one before.",
                band=position,
            )
    seen: set[str] = set()
    for position, band in enumerate(bands, start=1):
        if band.name.casefold() in seen:
            raise ScoringError(
                f"Two bands are called {band.name}: give each band a different name.",
                band=position,
            )
        seen.add(band.name.casefold())
    missed = [s for s in POSSIBLE_SCORES if not any(b.contains(s) for b in bands)]
    if missed:
        scores = ", ".join(str(s) for s in missed)
        raise ScoringError(f"No band covers the score{'s' if len(missed) > 1 else ''} {scores}.")
    return bands


def _band(position: int, item: object) -> Band:
    if not isinstance(item, Mapping):
        raise ScoringError(
            f"Band {position} must give a name, lowest and highest scores and a colour.",
            band=position,
        )
    name = _text(item.get("name"))
    if not name:
        raise ScoringError(f"Band {position} needs a name.", band=position)
    if len(name) > MAX_BAND_NAME:
        raise ScoringError(
            f"Band {position}'s name is too long: use at most {MAX_BAND_NAME} characters.",
            band=position,
        )
    low = _bound(item.get("low"), "lowest", name, position)
    high = _bound(item.get("high"), "highest", name, position)
    if high < low:
        raise ScoringError(
            f"Band {name} ends ({high}) below where it starts ({low}).", band=position
        )
    colour = _text(item.get("colour"))
    if not colour:
        raise ScoringError(f"Band {name} needs a colour.", band=position)
    return Band(name, low, high, colour)


def _bound(value: object, which: str, name: str, position: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 25:
        raise ScoringError(
            f"The {which} score of band {name} must be a whole number, 1 to 25.", band=position
        )
    return value


def check_descriptors(raw: Sequence[object], what: str) -> tuple[str, ...]:
    """Five different words for ratings 1 to 5, like Rare ... Almost certain."""
    # A single string is a sequence too, and "Rare!" would otherwise pass as five words.
    words = () if isinstance(raw, str | bytes) else tuple(_text(word) for word in raw)
    if len(words) != 5 or not all(words):
        raise ScoringError(f"Give five {what} descriptors, one for each rating from 1 to 5.")
    if any(len(word) > MAX_DESCRIPTOR for word in words):
        raise ScoringError(f"Keep each {what} descriptor to {MAX_DESCRIPTOR} characters or fewer.")
    if len({word.casefold() for word in words}) != 5:
        raise ScoringError(f"Give five different {what} descriptors.")
    return words


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def check_threshold(value: object) -> int:
    """The escalation threshold: a whole-number score from 1 to 25."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 25:
        raise ScoringError("The escalation threshold must be a whole number from 1 to 25.")
    return value


def trend(previous: int | None, current: int) -> Trend:
    """The BAF's trend arrow since the last review: up means the risk has grown."""
    if previous is None:
        return "new"
    if current > previous:
        return "up"
    if current < previous:
        return "down"
    return "same"


def above(value: int, limit: int | None) -> bool:
    """Strictly above a tolerance; a score equal to its tolerance is within it."""
    return limit is not None and value > limit


def escalates(value: int, threshold: int) -> bool:
    """At or above the escalation threshold ("risks graded 15 and above go to the Board")."""
    return value >= threshold
