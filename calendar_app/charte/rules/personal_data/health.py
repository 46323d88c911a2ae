"""Health information: health terms always (« souffre de »), conditions (« commotion cérébrale »)
only near a word naming a person in the same sentence, or right after a health term."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calendar_app.charte.rules.personal_data.patterns import HEALTH_INFO, Found, Phrases
from calendar_app.charte.text.analysis import Analysed

# The lexicons this detector reads (see the defaults file for what each holds).
HEALTH = "personal_data_health"
HEALTH_CONDITIONS = "personal_data_health_conditions"
HEALTH_PERSON_CUES = "personal_data_health_person_cues"
HEALTH_CLOSE_CUES = "personal_data_health_close_cues"
# How many words apart a health condition and a word naming a person may be, either side (a
# setting); and how many words before it a pronoun or a possessive may be.
HEALTH_WINDOW_SETTING = "personal_data_health_window"
HEALTH_CLOSE_WINDOW_SETTING = "personal_data_health_close_window"

_SENTENCE_END = re.compile(r"[.!?;\n]")
# What may stand between two health terms that make one finding: spaces and a short article.
_JOINS = re.compile(r"[ \t]*(?:[a-z]{1,3}'?[ \t]*)?")


class HealthInformation:
    """Finds health information about a person."""

    def __init__(self, terms, data):
        self.terms = Phrases(terms.get(HEALTH, ()))
        self.conditions = Phrases(terms.get(HEALTH_CONDITIONS, ()))
        self._person_cues = Phrases(terms.get(HEALTH_PERSON_CUES, ()), exact=True)
        self._close_cues = Phrases(terms.get(HEALTH_CLOSE_CUES, ()), exact=True)
        # Settings; when one is missing (None) a cue anywhere in the sentence counts.
        window, close_window = data.setting(HEALTH_WINDOW_SETTING), data.setting(HEALTH_CLOSE_WINDOW_SETTING)
        self._window = int(window) if window is not None else None
        self._close_window = int(close_window) if close_window is not None else None

    def find(self, analysed: Analysed, stems: set[str]) -> Iterator[Found]:
        """Health terms always; conditions near a word naming a person, or right after a health term
        (« souffre d'une » + « commotion cérébrale » make one finding). ``stems``: the cue words
        the text has."""
        strong = self.terms.find(analysed, stems)
        conditions = self.conditions.find(analysed, stems)
        if not strong and not conditions:
            return
        near, close = [], []
        if conditions:
            near = self._person_cues.find(analysed)
            close = self._close_cues.find(analysed)
        matches = sorted(
            [(start, end, index, True) for start, end, index in strong]
            + [(start, end, index, False) for start, end, index in conditions]
        )
        folded, spans = analysed.folded, []
        for start, end, index, always in matches:
            if spans and start < spans[-1][1]:
                continue
            if spans and _JOINS.fullmatch(folded, spans[-1][1], start):
                spans[-1][1] = end  # « atteint de » + « la » + « maladie de Lyme »
            elif always or self._near_a_person(folded, (start, end, index), near, close):
                spans.append([start, end])
        for start, end in spans:
            yield Found(HEALTH_INFO, start, end)

    def _near_a_person(self, folded: str, condition, near: list, close: list) -> bool:
        """Whether a word naming a person is near the condition, in the same sentence."""
        start, end, index = condition
        for cue_start, cue_end, cue_index in near:
            if self._window is None or abs(cue_index - index) <= self._window:
                if _same_sentence(folded, (cue_start, cue_end), (start, end)):
                    return True
        for cue_start, cue_end, cue_index in close:
            if self._close_window is None or 0 < index - cue_index <= self._close_window:
                if _same_sentence(folded, (cue_start, cue_end), (start, end)):
                    return True
        return False


def _same_sentence(folded: str, cue: tuple[int, int], condition: tuple[int, int]) -> bool:
    """No sentence ends between a cue and a condition (the dot of « M. » ends no sentence)."""
    if cue[0] < condition[0]:
        end = cue[1] + 1 if folded.startswith(".", cue[1]) else cue[1]
        return _SENTENCE_END.search(folded, end, condition[0]) is None
    return _SENTENCE_END.search(folded, condition[1], cue[0]) is None
