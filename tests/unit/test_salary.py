"""Salaries, honestly (no database): countries read from locations, pay shown as posted, the
reference-rate table, the filter's currencies, and no salary invented by the offline generator."""

import json
from datetime import date

import pytest

from career_app.services import countries, salary
from career_app.services.errors import Unprocessable
from models.job import PAY_PERIODS
from models.job_schemas import JobFeedItem, posted_amount


@pytest.mark.parametrize("location, expected", [
    ("Toronto, ON, Canada", "CA"), ("Austin, TX, United States", "US"), ("Austin, TX", "US"),
    ("Dublin", "IE"), ("Dublin, Ireland", "IE"), ("Dublin, OH", "US"),  # a US state code beats a city
    ("Remote", None), ("", None), (None, None), ("Remote - UK", "GB"), ("Remote (US)", "US"),
    ("San Francisco, CA", "US"), ("Toronto, CA", "CA"),  # CA: California, unless the city is Canadian
    ("Berlin, DE", "DE"), ("Perth, WA", "AU"), ("Seattle, WA", "US"),
    ("Belfast, Northern Ireland", "GB"), ("London, Ontario", "CA"), ("Paris, TX", "US"),
    ("Berlin, Germany / London, UK", None),  # two countries: no one country
    ("Bengaluru, Karnataka", "IN"), ("München", "DE"), ("Sao Paulo, Brasil", "BR"), ("Amsterdam, NL", "NL"),
    ("Basel, BS, CH", "CH"), ("Cluj-Napoca", "RO"), ("Join us in Lisbon", "PT"), ("New York, NY", "US"),
])
def test_a_jobs_country_is_read_from_its_location(location, expected):
    assert countries.of_location(location) == expected


def test_a_feeds_country_field_wins_and_countries_have_names_and_currencies():
    assert countries.of_location("Remote", "Ireland") == "IE"
    assert countries.of_location("Remote", "ie") == "IE"
    assert countries.of_location("Dublin", "Nowhere") == "IE"  # an unknown hint: read from the location
    assert countries.of_location("Dublin", {"not": "text"}) == "IE"
    assert (countries.name("IE"), countries.currency("IE")) == ("Ireland", "EUR")
    assert countries.currency("IN") == "INR" and countries.currency("GB") == "GBP"
    assert countries.currency("XX") is None and countries.name(None) is None


@pytest.mark.parametrize("low, high, currency, period, text", [
    (86000, 110000, "CAD", None, "86,000 – 110,000 CAD a year"),
    (57200, 68848, "EUR", "hour", "27.50 – 33.10 EUR an hour"),
    (48000, 60000, "PLN", "month", "4,000 – 5,000 PLN a month"),
    (52000, None, "GBP", "year", "from 52,000 GBP a year"),
    (None, 90000, None, None, "up to 90,000 a year"),
    (72800, 72800, "NZD", "hour", "35 NZD an hour"),
    (None, None, "EUR", "hour", ""),
])
def test_pay_is_shown_as_posted(low, high, currency, period, text):
    assert salary.posted_text(low, high, currency, period) == text


def test_hourly_and_daily_pay_comes_back_to_the_cent_after_annualising():
    """Stored yearly (rounded to the unit), shown per hour: every posted amount with cents comes back."""
    from career_app.services.ingestion import RawPosting, parse_pay

    for cents in range(1000, 10000, 7):  # 10.00 .. 99.99 an hour
        posted = cents / 100
        low, high, currency, period = parse_pay(RawPosting(external_id="1", salary_min=posted, salary_max=posted + 5,
                                                           salary_currency="EUR", salary_period="HOUR"), "")
        assert period == "hour" and currency == "EUR"
        assert (posted_amount(low, period), posted_amount(high, period)) == (posted, round(posted + 5, 2))
    low, _, _, period = parse_pay(RawPosting(external_id="1", salary_min=412.35, salary_currency="EUR",
                                             salary_period="per day"), "")
    assert (period, posted_amount(low, period)) == ("day", 412.35)


@pytest.mark.parametrize("fields, text, period", [
    ({"salary_min": 4000, "salary_max": 5000, "salary_currency": "PLN", "salary_period": "1 MONTH"}, "", "month"),
    ({}, "Pay: £18.50 - £22.00 per hour", "hour"),
    ({"salary_min": 900, "salary_currency": "GBP", "salary_period": "weekly"}, "", "week"),
    ({"salary_min": 60000, "salary_currency": "EUR"}, "", "year"),
    ({}, "No salary here", None),
])
def test_the_period_a_salary_was_posted_in_is_kept(fields, text, period):
    from career_app.services.ingestion.normalize import _PERIODS, RawPosting, parse_pay

    assert parse_pay(RawPosting(external_id="1", **fields), text)[3] == period
    assert set(_PERIODS.values()) == set(PAY_PERIODS.values())  # ingestion annualises with the same factors


def test_feed_items_carry_the_posted_amounts():
    item = JobFeedItem(id="00000000-0000-0000-0000-000000000001", title="ICU Nurse", skills_required=[],
                       status="active", created_at="2026-11-01T00:00:00Z", company_name=None,
                       external_apply_url=None, salary_min=57200, salary_max=68848, salary_currency="EUR",
                       salary_period="hour")
    dumped = item.model_dump()
    assert (dumped["salary_posted_min"], dumped["salary_posted_max"]) == (27.5, 33.1)
    assert (dumped["salary_min"], dumped["salary_max"]) == (57200, 68848)  # yearly, what comparisons read


def test_the_bundled_reference_rates_are_dated_sourced_and_convert_both_ways():
    table = salary.rates()
    assert date.fromisoformat(table.as_of) == date(2024, 9, 26)
    assert "European Central Bank" in table.source and table.base == "EUR"
    assert {"USD", "EUR", "GBP", "CAD", "INR", "SEK", "PLN", "JPY"} <= set(table.per_base)
    assert table.convert(1000, "EUR", "USD") == pytest.approx(1115.5)
    assert table.convert(1115.5, "USD", "EUR") == pytest.approx(1000)
    assert table.convert(62005, "CAD", "USD") == pytest.approx(62005 / 1.5025 * 1.1155)
    assert table.convert(70000, "EUR", "EUR") == 70000


@pytest.mark.parametrize("change, problem", [
    ({"as_of": None}, "date"), ({"as_of": "last week"}, "date"), ({"source": ""}, "source"),
    ({"rates": {"EUR": 1, "USD": -1.1}}, "bad rate"), ({"rates": {"EUR": 1, "usd": 1.1}}, "bad rate"),
    ({"rates": {"EUR": 1, "USD": True}}, "bad rate"), ({"rates": {"USD": 1.1}}, "base"),
])
def test_a_replacement_rate_file_is_checked(tmp_path, change, problem):
    good = {"as_of": "2026-11-02", "source": "A test table", "base": "EUR", "rates": {"EUR": 1, "USD": 1.1}}
    path = tmp_path / "rates.json"
    path.write_text(json.dumps({**good, **change}))
    with pytest.raises((ValueError, TypeError), match=problem if problem != "date" else None):
        salary.load_rates(path)
    path.write_text(json.dumps(good))
    assert salary.load_rates(path).per_base == {"EUR": 1.0, "USD": 1.1}


def test_exchange_rates_file_setting_replaces_the_table(tmp_path, monkeypatch):
    from career_app.settings import settings

    path = tmp_path / "rates.json"
    path.write_text(json.dumps({"as_of": "2030-01-02", "source": "Replacement", "base": "USD",
                                "rates": {"USD": 1, "EUR": 0.5}}))
    monkeypatch.setattr(settings, "exchange_rates_file", path)
    salary.rates.cache_clear()
    try:
        assert salary.rates().as_of == "2030-01-02" and salary.rates().convert(100, "EUR", "USD") == 200
    finally:
        monkeypatch.undo()
        salary.rates.cache_clear()
    assert salary.rates().as_of == "2024-09-26"


def test_the_filters_currency():
    assert salary.check_currency("eur") == "EUR" and salary.check_currency(" INR ") == "INR"
    assert salary.check_currency("AED") == "AED"  # a country's currency without a reference rate: same-currency only
    assert salary.comparable("AED") == ["AED"] and "INR" in salary.comparable("USD")
    for bad in ("XYZ", "EU", "", None, "€"):
        with pytest.raises(Unprocessable, match="Unknown currency"):
            salary.check_currency(bad)
    assert salary.default_currency("Dublin, Ireland") == "EUR"
    assert salary.default_currency("Toronto, ON, Canada") == "CAD"
    assert salary.default_currency("Bengaluru") == "INR"
    assert salary.default_currency("Remote") == "USD" and salary.default_currency(None) == "USD"


def test_the_offline_generator_invents_no_salary_and_a_models_salary_is_ignored():
    from career_app.services import offline_ai
    from models.ai import JobAnalysis

    analysis = offline_ai.analyse("Senior Registered Nurse", "Care for patients on a busy ward.", ["Patient care"])
    assert analysis.seniority == "senior" and "salary_min" not in analysis.model_dump()
    assert not hasattr(offline_ai, "_BASE_BY_CATEGORY") and not hasattr(offline_ai, "_PER_USD")
    guessed = JobAnalysis.model_validate({"skills": ["Python"], "salary_min": 61000, "salary_max": 83000,
                                         "currency": "USD", "seniority": "mid"})
    assert guessed.model_dump() == {"skills": ["Python"], "seniority": "mid"}


def test_estimates_are_rounded_to_three_figures():
    assert salary._round(45260) == 45300 and salary._round(45240) == 45200
    assert salary._round(72800.0) == 72800 and salary._round(1523400) == 1520000 and salary._round(86000) == 86000
