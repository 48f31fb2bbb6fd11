"""Date serials as Excel stores them, against openpyxl's conversion and Excel's fixed points (its fictitious
1900-02-29 included)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import to_excel

from xl_addin.ooxml.serials import serial


def test_excels_fixed_points() -> None:
    assert serial(dt.date(1900, 1, 1)) == 1
    assert serial(dt.date(1900, 2, 28)) == 59
    assert serial(dt.date(1900, 3, 1)) == 61  # 60 is the 29 February 1900 Excel believes in
    assert serial(dt.date(2026, 11, 25)) == 46351
    assert serial(dt.datetime(2026, 11, 25, 12)) == 46351.5
    assert serial(dt.time(6)) == 0.25
    assert serial(dt.timedelta(days=1, hours=12)) == 1.5


@given(st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)))
def test_date_times_agree_with_openpyxl(moment: dt.datetime) -> None:
    assert abs(serial(moment) - to_excel(moment)) < 1e-9
    assert serial(moment.date()) == to_excel(moment.date())
