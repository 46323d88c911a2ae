"""The versioned rule set: the rules listed in ``settings.CHARTE``, built with the given data.

``build_ruleset`` makes a ``RuleSet`` from plain ``CharteData``; the rule set in use, for the data
in the database now and kept while its revision holds, is ``calendar_app.charte.loader.get_ruleset``.
"""

from __future__ import annotations

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
