"""Contest rules (art. 5.8) and outside press releases (art. 5.3)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, LinkInfo, Severity
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.rules.requirements import ContestRules, OutsidePressRelease

DATA = data_from_defaults()


def _context(category="contest", **fields) -> CheckContext:
    return CheckContext(body="Participez à notre concours de photos !", category=category, at=timezone.now(), **fields)


def test_it_blocks_a_contest_without_rules():
    [result] = ContestRules(DATA).results(_context())
    assert (result.code, result.article, result.severity) == ("contest_rules", "5.8", Severity.BLOCK)
    assert "(art. 5.8)" in result.message_fr


def test_an_ordinary_link_is_not_the_contest_rules():
    results = ContestRules(DATA).results(_context(links=[LinkInfo("https://www.ville.montmagny.qc.ca/concours")]))
    assert [result.code for result in results] == ["contest_rules"]


def test_a_contest_with_its_rules_as_a_link_or_a_document_passes():
    rules = LinkInfo("https://www.ville.montmagny.qc.ca/reglements-concours", kind="contest_rules")
    assert ContestRules(DATA).results(_context(links=[rules])) == []
    assert ContestRules(DATA).results(_context(has_contest_rules_document=True)) == []


def test_a_post_that_is_not_a_contest_needs_no_rules():
    assert ContestRules(DATA).results(_context("event")) == []


def test_it_blocks_an_outside_press_release_without_an_approval():
    [result] = OutsidePressRelease(DATA).results(_context("press_release", outside_press_release=True))
    assert (result.code, result.article, result.severity) == ("outside_press_release", "5.3", Severity.BLOCK)
    assert "Direction générale" in result.message_fr


def test_an_approved_outside_press_release_and_the_city_own_pass():
    approved = _context("press_release", outside_press_release=True, outside_press_release_authorised=True)
    assert OutsidePressRelease(DATA).results(approved) == []
    assert OutsidePressRelease(DATA).results(_context("press_release")) == []


@pytest.mark.parametrize(
    "text",
    ["", "a" * 100_000, "\x00\x01\x1b[31m\x7f", "\u202eمرحبا\u202c\u200f", "\u200b\ufeff", "😀👨‍👩‍👧‍👦", "\ud800"],
)
def test_odd_input_never_raises(text):
    context = CheckContext(
        body=text,
        category="contest",
        at=timezone.now(),
        links=[LinkInfo(text, kind="contest_rules")],
        outside_press_release=True,
    )
    assert [result.code for result in ContestRules(DATA).results(context)] in ([], ["contest_rules"])
    assert [result.code for result in OutsidePressRelease(DATA).results(context)] == ["outside_press_release"]
