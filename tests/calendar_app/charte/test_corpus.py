"""Precision and recall of the Charte's rules on the labelled corpus (tests/data/charte_corpus.jsonl).

Targets (issue 3): political and personal-data recall ≥ 0.95 and precision ≥ 0.9. The other
rules' figures are printed and held to a floor so that a regression shows. Every rule whose code
is a label of the corpus is measured, and one table prints each rule's precision and recall.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.charte.base import CheckContext, ElectionInfo
from calendar_app.charte.loader import data_from_defaults
from calendar_app.charte.registry import build_ruleset

CORPUS = Path(__file__).resolve().parents[2] / "data" / "charte_corpus.jsonl"
ELECTION = ElectionInfo(
    name="Élections municipales générales de 2029",
    candidate_names=("Hélène Morin", "Gilles Boucher", "Annie Lapointe"),
    party_names=(
        "Équipe Montmagny Avenir",
        "EMA",
        "#MontmagnyAvenir",
        "Rassemblement citoyen de Montmagny",
        "RCM",
        "#RassemblementMontmagny",
    ),
)
# rule code → (the label it should find, the label of texts it must leave alone is "everything else",
# minimum precision, minimum recall)
TARGETS = {
    "political": ("political", 0.90, 0.95),
    "personal_data": ("personal_data", 0.90, 0.95),
    "advertising": ("advertising", 0.85, 0.85),
    "official_language": ("en", 0.85, 0.85),
}


@pytest.fixture(scope="module")
def figures() -> dict[str, dict]:
    ruleset = build_ruleset(data_from_defaults())
    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {code: {"tp": 0, "fp": 0, "fn": 0, "misses": [], "false_alarms": []} for code in TARGETS}
    for entry in entries:
        labels = set(entry["labels"])
        # The city's own promotion is posted in the city's own advertising category (art. 5.6).
        category = "city_advertising" if "city_promotion" in labels else "public_interest"
        context = CheckContext(body=entry["text"], category=category, at=timezone.now(), election=ELECTION)
        found = {result.code for result in ruleset.check(context)}
        for code, (label, _precision, _recall) in TARGETS.items():
            expected, predicted = label in labels, code in found
            if expected and predicted:
                counts[code]["tp"] += 1
            elif predicted:
                counts[code]["fp"] += 1
                counts[code]["false_alarms"].append(entry["id"])
            elif expected:
                counts[code]["fn"] += 1
                counts[code]["misses"].append(entry["id"])
    for count in counts.values():
        count["precision"] = count["tp"] / ((count["tp"] + count["fp"]) or 1)
        count["recall"] = count["tp"] / ((count["tp"] + count["fn"]) or 1)
    return counts


def test_the_corpus_is_large_and_labelled_as_the_issue_asks():
    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(entries) >= 300
    assert all(len({"fr", "en"} & set(entry["labels"])) == 1 for entry in entries)


def test_every_rule_with_labelled_cases_is_measured():
    """A label of the corpus that is also a rule's code is that rule's: it must have its figures."""
    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {label for entry in entries for label in entry["labels"]}
    codes = {rule.code for rule in build_ruleset(data_from_defaults()).rules}
    assert labels & codes <= set(TARGETS)
    assert all(TARGETS[code][0] in labels for code in TARGETS)


def test_the_figures_of_every_rule_are_printed(figures, capsys):
    """Precision and recall of each measured rule, in one table (shown without ``-s`` too)."""
    lines = ["", f"  corpus  {'rule':18} {'precision':>9} {'recall':>7}   tp   fp   fn"]
    for code in sorted(figures):
        count = figures[code]
        lines.append(
            f"  corpus  {code:18} {count['precision']:9.3f} {count['recall']:7.3f} "
            f"{count['tp']:4} {count['fp']:4} {count['fn']:4}"
        )
    with capsys.disabled():
        print("\n".join(lines))
    assert set(figures) == set(TARGETS)


@pytest.mark.parametrize("code", sorted(TARGETS))
def test_each_rule_meets_its_precision_and_recall(figures, code):
    count = figures[code]
    _label, minimum_precision, minimum_recall = TARGETS[code]
    assert count["precision"] >= minimum_precision, f"false alarms: {count['false_alarms']}"
    assert count["recall"] >= minimum_recall, f"misses: {count['misses']}"
