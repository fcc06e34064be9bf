"""Demo metrics: real A&E data for the acute trusts, illustrative metrics for the seed trusts.

- `ae`: NHS England A&E figures (Open Government Licence v3.0) for University Hospitals
  of Derby and Burton (RTG), Chesterfield Royal (RFS), Nottingham University Hospitals
  (RX1) and Sherwood Forest Hospitals (RK5);
- `illustrative`, with `rxm` and `ry8`: invented metrics for Derbyshire Healthcare and
  Derbyshire Community Health Services, marked illustrative.

`lodestar.core.demo.load_demo` calls `load_metrics` after the organisations, people and
strategies exist. Everything goes through `lodestar.performance.services`, so the demo
fills the audit trail as real use would, and each metric is made once: loading again
changes nothing. README.md gives the sources and licences.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lodestar.core.models import Organisation
from lodestar.performance.demo import rxm, ry8
from lodestar.performance.demo.ae import load_ae
from lodestar.performance.demo.illustrative import IllustrativeMetric, load_illustrative

ILLUSTRATIVE: dict[str, list[IllustrativeMetric]] = {"RXM": rxm.METRICS, "RY8": ry8.METRICS}


def load_metrics(made: list[str], today: datetime.date | None = None) -> None:
    """Load the demo metrics that are missing; add a line to `made` for each one made.

    Illustrative series end with the month before `today` (default: the current month),
    so the report always has last month to show, however long ago the demo was written.
    """
    load_ae(made)
    for ods_code, metrics in ILLUSTRATIVE.items():
        organisation = Organisation.objects.get(ods_code=ods_code)
        load_illustrative(organisation, metrics, today or timezone.localdate(), made)
