"""An organisation's risk matrix, read from its settings into `lodestar.risk.scoring` terms.

Every score the services store goes through `Matrix.grade`, so a risk's band always comes
from the matrix in force when the score was set.
"""

from __future__ import annotations

from dataclasses import dataclass

from lodestar.core.models import Organisation
from lodestar.risk import scoring
from lodestar.risk.models import OperationalRisk, RiskSettings, StrategicRisk


def default_settings_values() -> dict[str, object]:
    """The NPSA 2008 matrix, escalation at 15, and the Orange Book appetite scale."""
    return {
        "likelihood_descriptors": list(scoring.DEFAULT_LIKELIHOOD),
        "consequence_descriptors": list(scoring.DEFAULT_CONSEQUENCE),
        "bands": [
            {"name": b.name, "low": b.low, "high": b.high, "colour": b.colour}
            for b in scoring.NPSA_BANDS
        ],
        "escalation_threshold": scoring.DEFAULT_ESCALATION_THRESHOLD,
        "appetite_levels": list(scoring.DEFAULT_APPETITE_LEVELS),
    }


def risk_settings_for(organisation: Organisation) -> RiskSettings:
    """An organisation's settings, made with the defaults the first time they are asked for."""
    found, _ = RiskSettings.objects.get_or_create(
        organisation=organisation, defaults=default_settings_values()
    )
    return found


@dataclass(frozen=True)
class Graded:
    score: int
    band: scoring.Band


@dataclass(frozen=True)
class MatrixRow:
    """One likelihood rating across the five consequences, for drawing the matrix."""

    likelihood: int
    descriptor: str
    cells: tuple[Graded, ...]


@dataclass(frozen=True)
class Matrix:
    likelihood: tuple[str, ...]
    consequence: tuple[str, ...]
    bands: tuple[scoring.Band, ...]
    escalation_threshold: int
    appetite_levels: tuple[str, ...]

    def grade(self, likelihood: int, consequence: int) -> Graded:
        value = scoring.score(likelihood, consequence)
        return Graded(value, scoring.band_for(value, self.bands))

    def band_named(self, name: str) -> scoring.Band | None:
        """A stored band name's band in today's matrix (None if the bands changed since)."""
        return next((b for b in self.bands if b.name == name), None)

    def rows(self) -> tuple[MatrixRow, ...]:
        """The 5x5 matrix as risk managers draw it: likelihood 5 at the top."""
        return tuple(
            MatrixRow(
                likelihood,
                self.likelihood[likelihood - 1],
                tuple(self.grade(likelihood, consequence) for consequence in range(1, 6)),
            )
            for likelihood in range(5, 0, -1)
        )


def matrix_of(settings: RiskSettings) -> Matrix:
    return Matrix(
        likelihood=scoring.check_descriptors(settings.likelihood_descriptors, "likelihood"),
        consequence=scoring.check_descriptors(settings.consequence_descriptors, "consequence"),
        bands=scoring.check_bands(settings.bands),
        escalation_threshold=settings.escalation_threshold,
        appetite_levels=scoring.check_descriptors(settings.appetite_levels, "appetite level"),
    )


def matrix_for(organisation: Organisation) -> Matrix:
    return matrix_of(risk_settings_for(organisation))


POSITIONS = ("inherent", "current", "target")


def open_risks(organisation: Organisation) -> list[StrategicRisk | OperationalRisk]:
    """Every open strategic risk, then every open operational risk, by reference."""
    return [
        *StrategicRisk.objects.filter(organisation=organisation).open().order_by("reference"),
        *OperationalRisk.objects.filter(organisation=organisation).open().order_by("reference"),
    ]


def regraded_values(matrix: Matrix, risk: StrategicRisk | OperationalRisk) -> dict[str, object]:
    """The scores and bands `matrix` would give a risk, where they differ from those stored."""
    changes: dict[str, object] = {}
    for position in POSITIONS:
        graded = matrix.grade(
            getattr(risk, f"{position}_likelihood"), getattr(risk, f"{position}_consequence")
        )
        for field, value in (
            (f"{position}_score", graded.score),
            (f"{position}_band", graded.band.name),
        ):
            if getattr(risk, field) != value:
                changes[field] = value
    return changes


def out_of_date(
    organisation: Organisation, matrix: Matrix
) -> list[StrategicRisk | OperationalRisk]:
    """Open risks graded under an earlier matrix (their stored bands are not today's)."""
    return [risk for risk in open_risks(organisation) if regraded_values(matrix, risk)]
