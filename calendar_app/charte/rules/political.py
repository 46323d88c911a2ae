"""Political neutrality (art. 4.3, 5, 7, 9.3): partisan wording, calls to vote, election names and authors.

The city's posts inform; they never take a side. Outside an election period, political wording is a
warning (the adviser may have a good reason, e.g. quoting a council resolution); inside one, it
blocks, and so does any post that names a registered candidate or party, or that was written by a
council member or a candidate.

Civic election information must pass: « Le bureau de vote est ouvert de 10 h à 20 h », « Voici
comment voter par anticipation », « Votez le 2 novembre! ». So the data is split in lexicons (all in
``defaults/political.json``):

- ``political_partisan``: phrases that take a side whatever the context (« votez pour »,
  « réélisez », « notre candidat », party names, campaign slogans);
- ``political_endorsement``: support of those in office and calls to re-elect them that never say
  « votez » (« un autre mandat », « votez pour la continuité », « gardons le cap »): read as partisan;
- ``political_call_verbs``: imperatives that call to vote (« votez », « elect »). Alone they are
  civic; followed by a target (``political_call_targets``: « pour », « notre », « oui »…) or by a
  proper name (« Votez Tremblay ») they are partisan, unless that word is one of
  ``political_call_not_targets`` (days, months, places);
- ``political_civic``: civic phrases that contain partisan-looking words (« votez pour la première
  fois », « notre candidat idéal » in a job offer). The lists are read as one lexicon, where the
  longest term at the same words wins: a civic phrase hides the partisan term it contains.

Words a civic notice needs (voter, vote, candidat, élection, scrutin, bureau de vote) are in no list.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, ElectionInfo, Finding, Severity, quote
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.lexicon import Lexicon, Match

# What may stand between a call-to-vote verb and its target: spaces, a hyphen, a hashtag or mention sign.
_CALL_GAP = re.compile(r"[\s\-#@«\"']{1,4}")
# How many capitalised words after the verb make one name (« Votez Marie-Ève Tremblay »).
_NAME_WORDS = 4

# What a term or a finding is.
PARTISAN, CALL, CIVIC, VERB = "partisan", "call", "civic", "verb"
CANDIDATE, PARTY = "candidate", "party"


class PoliticalContent(Check):
    code = "political"
    article = "4.3, 7"
    severity = Severity.WARN
    help_text = _(
        "Political or partisan wording, calls to vote for someone, names of parties and registered candidates: "
        "a warning at any time, a block during an election period."
    )

    PARTISAN_MESSAGE = _(
        "Political or partisan wording: « %(found)s ». The city's posts stay neutral: remove it or rephrase it as "
        "factual information."
    )
    CALL_MESSAGE = _(
        "Call to vote for or against someone: « %(found)s ». The city may explain where and how to vote, never for "
        "whom: remove this call."
    )
    PARTISAN_IN_ELECTION = _(
        "Political or partisan wording during the election period « %(election)s »: « %(found)s ». The city takes "
        "no side: remove it before publishing."
    )
    CALL_IN_ELECTION = _(
        "Call to vote for or against someone during the election period « %(election)s »: « %(found)s ». The city "
        "takes no side: remove this call before publishing."
    )
    CANDIDATE = _(
        "Names a registered candidate of the election « %(election)s »: « %(found)s ». During the election period "
        "the city's posts name no candidate: remove the name."
    )
    PARTY = _(
        "Names a party of the election « %(election)s »: « %(found)s ». During the election period the city's posts "
        "neither name nor relay a party: remove it."
    )

    # Keep the compiled name lexicons of a few election periods (one is usually current).
    _ELECTION_CACHE_SIZE = 8

    def __init__(self, data, **options):
        super().__init__(data, **options)
        # One lexicon for the three word lists, so a text is read once; at the same words the longest
        # term wins, so a civic phrase (« votez pour la première fois ») hides the partisan one inside it.
        self.kinds: dict[str, str] = {}
        for code, kind in (
            ("political_civic", CIVIC),
            ("political_partisan", PARTISAN),
            ("political_endorsement", PARTISAN),
            ("political_call_verbs", VERB),
        ):
            for term in data.lexicon(code).terms:
                self.kinds.setdefault(term, kind)
        self.words = Lexicon(self.kinds)
        self.call_targets = data.lexicon("political_call_targets")
        self.not_targets = data.lexicon("political_call_not_targets")
        self._elections: dict[tuple, tuple[Lexicon, dict[str, str]]] = {}

    def check(self, context: CheckContext):
        election = context.election
        names = self._names(election) if election is not None else None
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.tokens.words:
                continue
            for start, end, kind in self._political_spans(analysed):
                if election is None:
                    message = self.CALL_MESSAGE if kind == CALL else self.PARTISAN_MESSAGE
                    yield unit, self._finding(message, analysed, start, end)
                else:
                    message = self.CALL_IN_ELECTION if kind == CALL else self.PARTISAN_IN_ELECTION
                    yield unit, self._finding(message, analysed, start, end, election)
            if names is not None:
                lexicon, kinds = names
                for match in lexicon.find(analysed):
                    message = self.CANDIDATE if kinds[match.term] == CANDIDATE else self.PARTY
                    yield unit, self._finding(message, analysed, match.start, match.end, election)

    @staticmethod
    def _finding(message, analysed: Analysed, start: int, end: int, election: ElectionInfo | None = None) -> Finding:
        """A warning outside an election period; inside one, a block that names the period."""
        params = {"found": quote(analysed.text[start:end])}
        if election is None:
            return Finding(message=message, params=params, start=start, end=end)
        params["election"] = election.name
        return Finding(message=message, params=params, start=start, end=end, severity=Severity.BLOCK)

    # Matching ------------------------------------------------------------------------------------

    def _political_spans(self, analysed: Analysed) -> list[tuple[int, int, str]]:
        matches = self.words.find(analysed)
        if not matches:
            return []
        spans = []
        verbs = []
        for match in matches:
            kind = self.kinds[match.term]
            if kind == PARTISAN:
                spans.append((match.start, match.end, PARTISAN))
            elif kind == VERB:
                verbs.append(match)
        if verbs:
            spans.extend(self._calls(analysed, verbs))
        # One finding per stretch of text: a call and a partisan phrase over the same words are one fault.
        spans.sort(key=lambda span: (span[0], -span[1]))
        kept: list[tuple[int, int, str]] = []
        for span in spans:
            if kept and span[0] < kept[-1][1]:
                continue
            kept.append(span)
        return kept

    def _calls(self, analysed: Analysed, verbs: list[Match]) -> list[tuple[int, int, str]]:
        """Call-to-vote verbs followed by a target word or a proper name (« Votez Tremblay »)."""
        targets = {match.start: match.end for match in self.call_targets.find(analysed)}
        not_targets = {match.start for match in self.not_targets.find(analysed)}
        text, starts, ends, words = analysed.text, analysed.tokens.starts, analysed.tokens.ends, analysed.tokens.words
        calls = []
        for verb in verbs:
            index = bisect_left(starts, verb.end)
            if index >= len(starts) or not _CALL_GAP.fullmatch(analysed.folded, verb.end, starts[index]):
                continue
            following = starts[index]
            if following in targets:
                calls.append((verb.start, targets[following], CALL))
                continue
            if following in not_targets:
                continue
            # A proper name: capitalised words right after the verb.
            last = None
            for position in range(index, min(index + _NAME_WORDS, len(starts))):
                if (
                    len(words[position]) < 2
                    or words[position].isdigit()
                    or not text[starts[position]].isupper()
                    or starts[position] in not_targets
                    or (last is not None and starts[position] - ends[last] > 2)
                ):
                    break
                last = position
            if last is not None:
                calls.append((verb.start, ends[last], CALL))
        return calls

    def _names(self, election: ElectionInfo) -> tuple[Lexicon, dict[str, str]]:
        """One lexicon of the period's candidate and party names, kept while the period is the same."""
        key = (tuple(election.candidate_names), tuple(election.party_names))
        names = self._elections.get(key)
        if names is None:
            if len(self._elections) >= self._ELECTION_CACHE_SIZE:
                self._elections.clear()
            kinds = {name.strip(): CANDIDATE for name in election.candidate_names}
            for name in election.party_names:
                kinds.setdefault(name.strip(), PARTY)
            names = self._elections[key] = (Lexicon(kinds), kinds)
        return names


class ElectionAuthor(Check):
    code = "election_author"
    article = "7, 9.3"
    severity = Severity.BLOCK
    help_text = _("During an election period, no post written by a council member or a registered candidate.")
    MESSAGE = _(
        "The author of this post takes part in the election « %(election)s » (council member or registered "
        "candidate): during the election period, their posts cannot appear on the city's accounts. Have the "
        "communications department write and publish it."
    )

    def check(self, context: CheckContext):
        if context.election is not None and context.author_takes_part_in_election:
            yield Finding(self.MESSAGE, {"election": context.election.name})
