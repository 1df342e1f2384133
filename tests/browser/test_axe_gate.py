"""The accessibility gate itself: every WCAG 2.1 A/AA violation fails, best practice alone does not."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

BODY = "<main><h1>Rubrik</h1><p>Text.</p></main>"


def test_it_fails_a_page_with_a_moderate_wcag_violation(page):
    # Two languages on <html> that disagree break WCAG 3.1.1; axe rates it only "moderate".
    page.set_content(f'<!doctype html><html lang="sv" xml:lang="en"><head><title>Prov</title></head><body>{BODY}')
    with pytest.raises(pytest.fail.Exception, match="html-xml-lang-mismatch"):
        assert_accessible(page)


def test_it_lets_a_page_through_that_breaks_only_best_practice(page):
    # Content outside landmarks is axe's best practice ("region"), not a WCAG criterion.
    page.set_content('<!doctype html><html lang="sv"><head><title>Prov</title></head><body><h1>Rubrik</h1><p>Text.</p>')
    assert_accessible(page)
