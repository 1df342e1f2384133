"""The accessibility gate itself: every WCAG 2.1 A/AA violation fails, best practice alone does not."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

PAGE = '<!doctype html><html lang="sv"><head><title>Prov</title></head><body>{}</body></html>'


def test_it_fails_a_page_with_a_minor_wcag_violation(page):
    # A server-side image map (WCAG 2.1.1) is rated "minor" by axe, but it is still a WCAG A failure.
    page.set_content(PAGE.format('<main><h1>Karta</h1><a href="/karta"><img src="data:," alt="Karta" ismap></a></main>'))
    with pytest.raises(pytest.fail.Exception, match="server-side-image-map"):
        assert_accessible(page)


def test_it_lets_a_page_through_that_breaks_only_best_practice(page):
    # Content outside landmarks is axe's best practice ("region"), not a WCAG criterion.
    page.set_content(PAGE.format("<h1>Rubrik</h1><p>Text utanför landmärken.</p>"))
    assert_accessible(page)
