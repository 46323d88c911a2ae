"""The official language (art. 5.2): French, except for health and safety or to answer a citizen
who wrote in English."""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity
from calendar_app.charte.language_id import LanguageIdentifier


class _LanguageName:
    """A language's name, translated when the message is rendered (lower case inside a French sentence)."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        info = LANG_INFO.get(self.code)
        if info is None:
            return self.code
        name = gettext(info["name"])
        return name.lower() if (get_language() or "").startswith("fr") else name


class OfficialLanguage(Check):
    code = "official_language"
    article = "5.2"
    severity = Severity.BLOCK
    help_text = _(
        "French is the language of communication. English is allowed only for a health and safety issue "
        "or to answer a citizen who wrote in English."
    )
    MESSAGE = _(
        "This text seems to be written in %(language)s, not in French. Write it in French; English is allowed only "
        "for a health and safety issue or to answer a citizen who wrote in English (then mark the post so)."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        self.identifier = LanguageIdentifier.for_data(data)

    def check(self, context: CheckContext):
        if context.health_and_safety or context.replies_to_english:
            return
        for unit in context.units():
            analysed = unit.text
            if analysed is None:
                continue
            verdict = self.identifier.identify(analysed)
            if verdict.undetermined or verdict.is_french:
                continue
            params = {"language": _LanguageName(verdict.language)}
            yield unit, Finding(self.MESSAGE, params, start=0, end=len(analysed.text))
