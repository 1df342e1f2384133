import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from simportal.formatting import format_kronor


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0 kr"), (999, "999 kr"), (1000, "1 000 kr"), (1234567, "1 234 567 kr"), (-2500, "-2 500 kr")],
)
def test_it_writes_money_the_swedish_way(amount, text):
    assert format_kronor(amount) == text


def test_it_keeps_an_amount_on_one_line_in_pages():
    html = Template("{{ amount|kronor }}").render(Context({"amount": 9000000}))
    assert html == '<span class="text-nowrap">9 000 000 kr</span>'


@pytest.mark.parametrize("language", ["sv", "en"])
def test_it_writes_dates_as_iso_in_every_language(language):
    with translation.override(language):
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d }}').render(
            Context({"d": datetime.date(2026, 11, 23)})
        )
    assert rendered == "2026-11-23 2026-11-23"
