"""The warmth band a contact shows: fine, due soon (the last week, or the last quarter of a
shorter cadence), overdue once the cadence ran out."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.cadence import Band, band

DUE = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cadence_days", "before_due", "expected"),
    [
        (60, timedelta(days=8), Band.FINE),
        (60, timedelta(days=7), Band.DUE_SOON),
        (60, timedelta(seconds=1), Band.DUE_SOON),
        (60, timedelta(0), Band.OVERDUE),
        (60, -timedelta(days=30), Band.OVERDUE),
        (8, timedelta(days=2, seconds=1), Band.FINE),  # a quarter of 8 days is 2
        (8, timedelta(days=2), Band.DUE_SOON),
    ],
)
def test_a_contacts_band_follows_its_cadence(
    cadence_days: int, before_due: timedelta, expected: Band
) -> None:
    assert band(due=DUE, cadence_days=cadence_days, now=DUE - before_due) is expected
