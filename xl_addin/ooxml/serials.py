"""Dates and times as the serial numbers a sheet stores (days since 1899-12-30, Excel's 1900 date system, with
its fictitious 1900-02-29: serials before 1900-03-01 are one less)."""

from __future__ import annotations

import datetime as dt

EPOCH = dt.datetime(1899, 12, 30)
_DAY = 86_400


def serial(value: dt.date | dt.time | dt.timedelta) -> float | int:
    """A date as whole days, a date and time, a time of day or a duration as days and their fraction."""
    if isinstance(value, dt.timedelta):
        return value.days + value.seconds / _DAY + value.microseconds / (_DAY * 1e6)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / _DAY + value.microsecond / (_DAY * 1e6)
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    days = (moment.replace(tzinfo=None) - EPOCH).days
    if 0 < days <= 60:
        days -= 1
    time_part = serial(moment.time())
    return days + time_part if time_part else days
