"""Times as pages show them: the site's date format gives the text Django's own formatting gives."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.dateformat import format as django_format
from hypothesis import given
from hypothesis import strategies as st

from rostra.core.dates import format_time, iso_time, shown_time, time_formatter

EVERY_SPECIFIER = "aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ"
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31),
                           timezones=st.sampled_from([ZoneInfo(z) for z in ZONES])))
def test_every_specifier_reads_as_djangos_format(moment):
    for specifier in EVERY_SPECIFIER:
        assert format_time(moment, specifier) == django_format(moment, specifier), specifier


@pytest.mark.parametrize("date_format", ["D, m/d/Y - H:i", r"l \t\h\e jS \o\f F Y, G:i:s", "N j, Y, P",
                                         r"\\Y \d d", "c", "r", ""])
def test_formats_with_escapes_and_literals_read_as_djangos(date_format):
    moment = datetime(2018, 1, 5, 22, 15, 7, tzinfo=ZoneInfo("America/New_York"))
    for step in range(0, 400, 37):
        later = moment + timedelta(days=step, minutes=step)
        assert format_time(later, date_format) == django_format(later, date_format)


def test_day_names_follow_the_active_language():
    moment = datetime(2018, 1, 5, tzinfo=UTC)
    with translation.override("fr"):
        assert format_time(moment, "D") == django_format(moment, "D")


def test_shown_and_iso_times_are_in_the_zone_asked_for(settings):
    settings.ROSTRA_DATE_FORMAT = "D, m/d/Y - H:i"
    moment = datetime(2018, 1, 6, 3, 15, tzinfo=UTC)
    zone = ZoneInfo("America/New_York")
    assert shown_time(moment, zone) == "Fri, 01/05/2018 - 22:15"
    assert iso_time(moment, zone) == "2018-01-05T22:15:00-05:00"
    assert shown_time(None) == iso_time(None) == ""


def test_a_formatter_made_once_gives_what_format_time_gives():
    shown = time_formatter(r"D, l j M Y \a\t H:i")
    moment = datetime(2018, 1, 5, 22, 15, tzinfo=UTC)
    for step in range(10):
        later = moment + timedelta(days=step, hours=step)
        assert shown(later) == format_time(later, r"D, l j M Y \a\t H:i")
    with translation.override("fr"):
        assert time_formatter("D")(moment) == django_format(moment, "D")
