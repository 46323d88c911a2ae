"""The versioned rule set: the rules listed in ``settings.CHARTE``, built with the current data.

``get_ruleset()`` builds the rules once and keeps them while the data revision stays the same
(one small query per call tells); any edit of the Charte's data bumps the revision, so the next
call builds the rules anew and the version it reports changes (art. 10).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from calendar_app.charte.base import Check, CheckContext, CheckResult
from calendar_app.charte.data import CharteData


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Check, ...]
    data: CharteData

    def check(self, context: CheckContext) -> list[CheckResult]:
        results = []
        for rule in self.rules:
            results.extend(rule.results(context))
        return results

    def rule(self, code: str) -> Check:
        return next(rule for rule in self.rules if rule.code == code)


def build_ruleset(data: CharteData, *, revision: int | str = "defaults") -> RuleSet:
    config = settings.CHARTE
    rules = []
    for entry in config["RULES"]:
        rule_class = import_string(entry["NAME"])
        rules.append(rule_class(data, **entry.get("OPTIONS", {})))
    codes = [rule.code for rule in rules]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise ValueError(f"settings.CHARTE lists rules with the same code: {sorted(duplicates)}")
    return RuleSet(version=f"{config['VERSION']}.{revision}", rules=tuple(rules), data=data)


_lock = threading.Lock()
_cached: dict[str, RuleSet] = {}


def get_ruleset() -> RuleSet:
    """The rule set for the data in the database now."""
    from calendar_app.models import CharteSettings

    revision = CharteSettings.current().revision
    key = f"{settings.CHARTE['VERSION']}.{revision}"
    ruleset = _cached.get(key)
    if ruleset is None:
        with _lock:
            ruleset = _cached.get(key)
            if ruleset is None:
                ruleset = build_ruleset(CharteData.from_database(), revision=revision)
                _cached.clear()
                _cached[key] = ruleset
    return ruleset


def clear_cache() -> None:
    _cached.clear()
