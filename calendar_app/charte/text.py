"""French-aware text matching for the Charte: folding, tokens, light inflection, lexicons.

Guarantees:
- ``fold`` keeps the length of the text, so a position in the folded text is a position in
  the original: results can point at the exact span a person wrote.
- A token is a run of letters and digits (invisible characters and combining marks inside it
  ignored: ``INVISIBLE``, ``COMBINING_MARKS``); elisions
  (l', d', qu') and hashtags or mentions (#votezpour, @parti) split or strip naturally; simple
  obfuscations are undone: digits
  standing for letters inside a word (v0tez) and letters spaced or dotted apart (v.o.t.e.z).
- ``stem`` folds plural and feminine forms onto one key, so a lexicon lists each word once.
- ``Lexicon`` finds single words (inflected), phrases, and phrases written as one hashtag.
- ``Pattern`` runs a regular expression of the rule data only on the texts that hold one of the
  literals every match contains (« rabais », « $ »): most texts hold none, and a membership test
  costs a fraction of a scan by Python's engine.
"""

from __future__ import annotations

import re
import string
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from itertools import count as naturals
from operator import add, not_
from re import _constants as sre_constants  # the parser's vocabulary; read, never relied on for a match
from re import _parser as sre_parser


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(part for part in unicodedata.normalize("NFD", char) if not unicodedata.combining(part))
        if len(base) == 1 and base != char:
            table[code] = base.lower()
    # Typographic apostrophes and quotes become plain ones (same length).
    for char in "\u2019\u2018\u02bc\u00b4`":
        table[ord(char)] = "'"
    for char in "\u00a0\u202f\u2009\u2007":
        table[ord(char)] = " "
    # Letters that Python's case-insensitive matching takes for an ASCII one (long s, dotless i):
    # folded onto it, so that a folded text holds the folded literals of every match (``needles``).
    table[ord("ſ")] = "s"
    table[ord("ı")] = "i"
    # The final sigma, the one letter whose lower case depends on its neighbours (Σ → σ or ς): one
    # form, so that folding a text piece by piece gives what folding it whole gives.
    table[ord("ς")] = "σ"
    table[ord("œ")] = "o"
    table[ord("Œ")] = "o"
    table[ord("æ")] = "a"
    table[ord("Æ")] = "a"
    return table


_FOLD = _fold_table()
# The same table by character, and a pattern that finds the characters it changes. A text holds a
# few distinct ones (é, à, ’): replacing each throughout is several times cheaper than
# ``str.translate``, which looks every character of the text up in the table.
_FOLD_CHARS = {chr(code): replacement for code, replacement in _FOLD.items()}
_FOLDABLE = re.compile("[" + "".join(map(re.escape, _FOLD_CHARS)) + "]")
# Characters whose replacement is folded again (ǣ → æ): one replacement after the other would fold
# them twice, so a text holding one is translated in one pass.
_FOLDED_TWICE = frozenset(char for char, replacement in _FOLD_CHARS.items() if replacement in _FOLD_CHARS)


# The table's characters beyond Latin-1 that French texts often hold (typographic apostrophes and
# spaces, œ), replaced first: most texts are then Latin-1, and folded by ``bytes.translate``, one
# lookup per byte in C, many times cheaper than finding the characters to replace.
_BEYOND_LATIN1 = tuple(char for char in "\u2019\u2018\u02bc\u202f\u2009\u2007œ" if _FOLD_CHARS[char].isascii())
_LATIN1_FOLD = bytes(ord(_FOLD.get(code, chr(code))) for code in range(256))


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes and spaces made plain; same length."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer (e.g. "İ")
        lowered = "".join(char.lower()[0] for char in text)
    for char in _BEYOND_LATIN1:
        if char in lowered:
            lowered = lowered.replace(char, _FOLD_CHARS[char])
    try:
        return lowered.encode("latin-1").translate(_LATIN1_FOLD).decode("latin-1")
    except UnicodeEncodeError:  # other characters beyond Latin-1: each one found and replaced
        pass
    found = set(_FOLDABLE.findall(lowered))
    if not found.isdisjoint(_FOLDED_TWICE):
        return lowered.translate(_FOLD)
    for char in found:
        lowered = lowered.replace(char, _FOLD_CHARS[char])
    return lowered


# Digits and signs that stand for letters inside a word (leetspeak).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})

# Characters people do not see: Unicode's default-ignorable code points (DerivedCoreProperties.txt,
# Default_Ignorable_Code_Point), which a renderer shows as nothing: the soft hyphen, the combining
# grapheme joiner, the Arabic letter mark, Hangul and Khmer fillers, Mongolian variation selectors,
# zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the word joiner
# and invisible operators, variation selectors, the byte order mark, tags. Slipped inside a word to
# dodge a filter (« vo\u200btez », « vo\u2063tez »), they are read as nothing. As ranges of a regular
# expression's character class; the one source for every rule (links excepted: an invisible
# character makes an address another address).
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Combining marks that decorate the letter before them: an accent typed as a character of its own
# (« e\u0301 » for « é », which folding removes anyway), strokes and underlines (« v\u0336o\u0336t\u0336e\u0336z\u0336 »
# reads « votez »). Inside a word they are read as nothing, like the invisible characters.
COMBINING_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_UNSEEN = INVISIBLE + COMBINING_MARKS
_UNSEEN_CHAR = re.compile(f"[{_UNSEEN}]")


def characters(ranges: str) -> str:
    """Every character of a character class made of single characters and ranges (« a-c » → « abc »)."""
    found, index = [], 0
    while index < len(ranges):
        if index + 2 < len(ranges) and ranges[index + 1] == "-":
            found.extend(map(chr, range(ord(ranges[index]), ord(ranges[index + 2]) + 1)))
            index += 3
        else:
            found.append(ranges[index])
            index += 1
    return "".join(found)


# A token, captured so that splitting a text on tokens keeps them: [gap, token, gap, token, …, gap].
# Possessive quantifiers: a token is the longest run, and the engine keeps no backtracking state.
_TOKEN = re.compile(rf"([a-z0-9]++(?:[{_UNSEEN}@$]++[a-z0-9]++)*+)")
_UNSEEN_TABLE = str.maketrans("", "", characters(_UNSEEN))


def holds_unseen(folded: str) -> bool:
    """Whether a text holds a character of ``INVISIBLE`` or ``COMBINING_MARKS``.

    All of them lie beyond Latin-1 but the soft hyphen, and a folded French text is usually Latin-1:
    encoding it (in C) settles most texts at a fraction of the cost of the regular expression."""
    if folded.isascii():
        return False
    try:
        folded.encode("latin-1")
    except UnicodeEncodeError:
        return _UNSEEN_CHAR.search(folded) is not None
    return "\u00ad" in folded


# A letter next to a digit or sign that may stand for one: the only words worth de-obfuscating
# (times and amounts such as "10 h", "25 $" or "25$50" do not match). Written from the digit or sign, which
# the regular expression engine finds quickly, and the letter on either side of it.
_MIXED = re.compile(r"[0-9@$](?:(?<=[a-z].)|(?=[a-z]))")
# Separators that may stand between letters spaced apart to dodge a filter: v.o.t.e.z, v-o-t-e-z, v o t e z.
_SPACED_SEPARATOR = re.compile(r"[ .\-_*·]")
# Three one-letter words in a row with one separator between them: the only texts worth joining
# (not "à 9 h", which has a digit). Written from the first separator (« v. », then « o.t »), which
# the regular expression engine finds quickly.
_SPACED_LETTERS = re.compile(r"[ .\-_*·](?<=(?<![a-z0-9])[a-z].)[a-z][ .\-_*·][a-z](?![a-z0-9])")


class Tokens:
    """The tokens of a folded text and their positions, as parallel tuples (cheaper than one object per
    token; tuples of strings and numbers are left alone by the garbage collector once it has seen them).
    ``joined``: whether letters spaced apart were joined into words."""

    __slots__ = ("words", "starts", "ends", "joined")

    def __init__(self, words: Sequence[str], starts: Sequence[int], ends: Sequence[int], joined: bool = False):
        self.words, self.starts, self.ends = tuple(words), tuple(starts), tuple(ends)
        self.joined = joined

    def __len__(self) -> int:
        return len(self.words)


def tokens(folded: str, like: Tokens | None = None, count: int = 0) -> Tokens:
    """The tokens of an already folded text, with obfuscations undone.

    ``like`` and ``count``: the tokens of another text whose first ``count`` tokens, and everything
    up to the start of the next one, this text shares (see ``Analysed``): those are taken as they are,
    each token being read on its own.
    """
    position = like.starts[count] if count else 0
    maybe_spaced = True
    if holds_unseen(folded):
        words, starts, ends = _joined_tokens(folded, position)
        mixed = _MIXED.search(folded, position) is not None
    else:
        raw = folded[position:].encode("ascii", "replace")
        masked = raw.translate(_TOKEN_BYTES).decode("ascii")
        words, starts, ends = _plain_tokens(masked, position)
        if not count:
            maybe_spaced = _SPACED_IN_MASK.search(masked) is not None
        # A letter next to a digit or sign, as _MIXED finds it: bytes 1 and 2 side by side.
        flags = raw.translate(_MIXED_FLAGS)
        mixed = b"\1\2" in flags or b"\2\1" in flags
    if mixed:  # a word mixing letters with digits or signs is read as letters
        words = [word.translate(_LEET) if not word.isalpha() and _MIXED.search(word) else word for word in words]
    if count:
        words = like.words[:count] + tuple(words)
        starts, ends = like.starts[:count] + tuple(starts), like.ends[:count] + tuple(ends)
    found = Tokens(words, starts, ends)
    # Shared tokens hold no run of letters spaced apart (``like`` has none): a run ends after them,
    # and may begin with the last two.
    if maybe_spaced and _SPACED_LETTERS.search(folded, like.starts[max(0, count - 2)] if count else 0):
        found = _join_spaced_letters(found, folded)
    return found


# Letters, digits, @ and $ kept, every other byte made a space (a character beyond ASCII is encoded
# as « ? » first, so positions stay those of the text): the masked text of ``_plain_tokens``.
_TOKEN_BYTES = bytes(code if chr(code) in string.ascii_lowercase + string.digits + "@$" else 32 for code in range(256))
# 1 for a letter, 2 for a digit or a sign that may stand for one, 0 for anything else (see _MIXED).
_MIXED_FLAGS = bytes(
    1 if chr(code) in string.ascii_lowercase else 2 if chr(code) in string.digits + "@$" else 0 for code in range(256)
)
# Letters spaced apart show in a masked text as three one-letter words between single spaces; every
# match of _SPACED_LETTERS has one there, and this pattern, written from a space, is found quickly.
_SPACED_IN_MASK = re.compile(r" (?<=(?<![a-z0-9])[a-z] )[a-z] [a-z](?![a-z0-9])")


def _plain_tokens(masked: str, position: int) -> tuple[list[str], list[int], list[int]]:
    """The tokens of a masked text (see _TOKEN_BYTES) that begins at ``position`` of a text without
    invisible characters, read without a regular expression: split on each space, positions summed by
    C iterators (twice as cheap as splitting the text on the token pattern)."""
    pieces = masked.split(" ")
    lengths = list(map(len, pieces))
    # Each piece is followed by one space: piece i starts after the lengths before it, plus i.
    starts = list(compress(map(add, accumulate(lengths, initial=position), naturals()), lengths))
    words = list(compress(pieces, lengths))
    ends = list(map(add, starts, map(len, words)))
    if "@" in masked or "$" in masked:
        # A sign joins the letters or digits around it (info@ville); at either end of a run it is no
        # part of the token (@ville, 25$), and alone it is none.
        for index in reversed(list(compress(range(len(words)), map(not_, map(str.isalnum, words))))):
            word = words[index]
            token = word.strip("@$")
            if token:
                starts[index] += len(word) - len(word.lstrip("@$"))
                words[index], ends[index] = token, starts[index] + len(token)
            else:
                del words[index], starts[index], ends[index]
    return words, starts, ends


def _joined_tokens(folded: str, position: int) -> tuple[list[str], list[int], list[int]]:
    """The tokens from ``position`` of a text holding invisible characters, which, like @ and $, may
    join letters; they are removed from the words."""
    # One pass of the regular expression: the text split on its tokens, whose positions are the
    # running sums of the pieces' lengths.
    pieces = _TOKEN.split(folded[position:] if position else folded)
    offsets = list(accumulate(map(len, pieces), initial=position))
    words = [word.translate(_UNSEEN_TABLE) for word in pieces[1::2]]
    return words, offsets[1:-1:2], offsets[2::2]


def _join_spaced_letters(found: Tokens, folded: str) -> Tokens:
    """Join runs of three or more one-letter tokens separated by one separator (v.o.t.e.z)."""
    words, starts, ends = [], [], []
    run: list[int] = []

    def flush():
        if len(run) >= 3:
            words.append("".join(found.words[index] for index in run))
            starts.append(found.starts[run[0]])
            ends.append(found.ends[run[-1]])
        else:
            for index in run:
                words.append(found.words[index])
                starts.append(found.starts[index])
                ends.append(found.ends[index])
        run.clear()

    for index, word in enumerate(found.words):
        if len(word) == 1 and word.isalpha():
            if run:
                previous_end = found.ends[run[-1]]
                if not (found.starts[index] - previous_end == 1 and _SPACED_SEPARATOR.match(folded, previous_end)):
                    flush()
            run.append(index)
        else:
            flush()
            words.append(word)
            starts.append(found.starts[index])
            ends.append(found.ends[index])
    flush()
    return Tokens(words, starts, ends, joined=len(words) < len(found.words))


# Feminine and plural endings folded onto the masculine singular; longest first.
_ENDINGS = (
    ("trices", "teur"),
    ("euses", "eur"),
    ("trice", "teur"),
    ("euse", "eur"),
    ("elles", "el"),
    ("ennes", "en"),
    ("elle", "el"),
    ("enne", "en"),
    ("ives", "if"),
    ("ive", "if"),
    ("aux", "al"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
)


def stem(word: str) -> str:
    """A light French stem: plural and feminine endings removed (partisanes → partisan)."""
    found = _stems.get(word)
    if found is None:
        if len(_stems) >= _STEMS_KEPT:
            _stems.clear()
        found = _stems[word] = _stem(word)
    return found


def stem_all(words: Sequence[str]) -> tuple[str, ...]:
    """The stem of each word: those already known read from a dictionary by C iterators (a third of
    the cost of calling ``stem`` for each), the others made and kept."""
    found = tuple(map(_stems.get, words))
    if not all(found):  # a word not met yet (None; a stem is never empty)
        found = tuple(map(stem, words))
    return found


def _stem(word: str) -> str:
    if len(word) <= 3:
        return word
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) + len(replacement) >= 3:
            return word[: len(word) - len(ending)] + replacement
    return word


# Stems made so far (memory, not policy: emptied when full).
_STEMS_KEPT = 65536
_stems: dict[str, str] = {}


# Shorter terms are not searched inside hashtags: "#lavitrine" must not match a three-letter word.
_HASHTAG_TERM_MINIMUM = 5


@dataclass(frozen=True, slots=True)
class Match:
    term: str  # the lexicon's term, as written in the lexicon
    start: int
    end: int


# Every stem that some lexicon of the process looks for (a few thousand per rule set), replaced by a
# larger set whenever a lexicon brings new ones. A text is matched against it once (``Analysed.
# vocabulary_stems``); each lexicon then looks at the few stems found, not at every word again.
_vocabulary: frozenset[str] = frozenset()
_vocabulary_lock = threading.Lock()


def learn(stems: Iterable[str]) -> None:
    """Add stems that a lexicon looks for to the vocabulary (see ``Analysed.vocabulary_stems``)."""
    global _vocabulary
    with _vocabulary_lock:
        new = frozenset(stems).difference(_vocabulary)
        if new:
            _vocabulary = _vocabulary | new


class Analysed:
    """A text folded and tokenised once, for every lexicon that looks at it.

    ``like``: the analysis of another text this one may begin like (a channel version made from the
    post's text): the words the two share are not folded and tokenised again. The result is the same
    as without it."""

    __slots__ = ("text", "folded", "tokens", "stems", "_known")

    def __init__(self, text: str, like: Analysed | None = None):
        self.text = text
        count = _shared_tokens(like, text) if like is not None else 0
        if count:
            position = like.tokens.starts[count]
            self.folded = like.folded[:position] + fold(text[position:])
            self.tokens = tokens(self.folded, like.tokens, count)
        else:
            self.folded = fold(text)
            self.tokens = tokens(self.folded)
        if count and not self.tokens.joined:  # (a run of spaced letters may join shared words)
            self.stems = like.stems[:count] + stem_all(self.tokens.words[count:])
        else:
            self.stems = stem_all(self.tokens.words)
        self._known: tuple[frozenset[str], frozenset[str]] | None = None

    def vocabulary_stems(self) -> frozenset[str]:
        """The stems of this text that some lexicon looks for (``learn``): usually none or a few."""
        vocabulary, known = _vocabulary, self._known
        if known is None or known[0] is not vocabulary:  # a lexicon learnt new stems since
            known = self._known = (vocabulary, vocabulary.intersection(self.stems))
        return known[1]


def _shared_tokens(like: Analysed, text: str) -> int:
    """How many of ``like``'s tokens ``text`` shares, with what follows up to the next one's start.

    Each such token is the same in both texts: a token ends where a character cannot go on with it,
    and that character lies before the next token's start. Folding the rest from that start gives
    the same letters too (the only letter Python lowers by its neighbours, the Greek sigma, looks no
    further than the token's first character, and ``fold`` writes both its forms alike). Texts with
    letters spaced apart are analysed whole."""
    if like.tokens.joined or len(like.tokens) < 2:
        return 0
    # The length of the common beginning, by halves (each comparison is one call in C).
    low, high = 0, min(len(text), len(like.text))
    while low < high:
        middle = (low + high + 1) // 2
        if text.startswith(like.text[:middle]):
            low = middle
        else:
            high = middle - 1
    # The last token that starts strictly inside the common part is read again.
    return max(0, bisect_left(like.tokens.starts, low) - 1)


class Lexicon:
    """Terms (words or phrases) found in a text whatever their case, accents, inflection or disguise.

    A phrase matches its words in sequence ("votez pour") and the same words run together as one
    token, as in a hashtag ("#votezpour"). Terms are written as a person would; each is analysed
    the same way as the texts.
    """

    def __init__(self, terms: Iterable[str]):
        # Each phrase is indexed by its longest word (its anchor), which is rarely a common word
        # like « le » or « pour »: anchor stem → [(stems of the phrase, term, anchor's position, the
        # set of its stems)]. Every word of a phrase is in the vocabulary (``learn``), so a phrase
        # whose words are not all in a text is passed over without looking for where its anchor is.
        self._anchored: dict[str, list[tuple[tuple[str, ...], str, int, frozenset[str]]]] = {}
        # The stem of a phrase's words run together (a one-token hashtag such as #votezpour) → term.
        self._joined: dict[str, str] = {}
        # Every term's words run together, searched inside longer hashtags (#VotezEquipeMontmagnyAvenir).
        hashtag_forms: dict[str, str] = {}
        self.terms: list[str] = []
        for term in terms:
            term = term.strip()
            words = tokens(fold(term)).words if term else []
            if not words:
                continue
            self.terms.append(term)
            stems = tuple(stem(word) for word in words)
            anchor = max(range(len(stems)), key=lambda position: len(stems[position]))
            self._anchored.setdefault(stems[anchor], []).append((stems, term, anchor, frozenset(stems)))
            joined = "".join(words)
            if len(words) > 1:
                self._joined.setdefault(stem(joined), term)
            if len(joined) >= _HASHTAG_TERM_MINIMUM:
                hashtag_forms.setdefault(joined, term)
        self._anchors = frozenset(self._anchored)
        self._joined_stems = frozenset(self._joined)
        self._stems = self._anchors | self._joined_stems
        learn(self._stems.union(*(phrase for entries in self._anchored.values() for phrase, *_rest in entries)))
        self._hashtag_terms = hashtag_forms
        self._hashtag_pattern = (
            re.compile("|".join(re.escape(form) for form in sorted(hashtag_forms, key=len, reverse=True)))
            if hashtag_forms
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, analysed: Analysed) -> list[Match]:
        """The terms in ``analysed``, in reading order, without overlaps (the longest wins)."""
        # Most texts contain none of a lexicon's words: a set intersection (in C) says so at once.
        known = analysed.vocabulary_stems()
        present = self._stems.intersection(known)
        hashtags = self._hashtag_pattern is not None and "#" in analysed.folded
        if not (present or hashtags):
            return []
        anchors, joined = present & self._anchors, present & self._joined_stems
        stems, starts, ends = analysed.stems, analysed.tokens.starts, analysed.tokens.ends
        spans: list[tuple[int, int, str]] = []  # (start, end, term) in characters
        # Only where the stems found are (tuple.index scans in C), not a loop over every token. Spans
        # with the same start and end keep this order (phrases, then joined words) for _without_overlaps.
        count = len(stems)
        for current in anchors:
            phrases = [entry for entry in self._anchored[current] if entry[3] <= known]
            if not phrases:
                continue
            for index in _indexes(stems, current):
                for phrase, term, anchor, _words in phrases:
                    first, last = index - anchor, index - anchor + len(phrase) - 1
                    if first >= 0 and last < count and stems[first : last + 1] == phrase:
                        spans.append((starts[first], ends[last], term))
        for current in joined:
            for index in _indexes(stems, current):
                spans.append((starts[index], ends[index], self._joined[current]))
        if hashtags:
            for hashtag in _HASHTAG.finditer(analysed.folded):
                inside = self._hashtag_pattern.search(hashtag.group(1))
                if inside:
                    spans.append((hashtag.start(1), hashtag.end(1), self._hashtag_terms[inside.group()]))
        return _without_overlaps(spans)


_HASHTAG = re.compile(r"#([a-z0-9]+)")


def _indexes(items: Sequence[str], item: str) -> Iterator[int]:
    """Every index of ``item`` in ``items``, in order."""
    index = -1
    try:
        while True:
            index = items.index(item, index + 1)
            yield index
    except ValueError:
        return


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[Match]:
    found: list[Match] = []
    for start, end, term in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
        if found and start < found[-1].end:
            continue
        found.append(Match(term, start, end))
    return found


class Pattern:
    """A regular expression of the rule data (case-insensitive), searched in analysed texts.

    Every match holds one of its ``needles`` (folded literals, see ``needles``): a text whose folded
    form holds none of them cannot match, and is not scanned. Matches are found in the text as
    written, so a pattern may still tell capitals apart (``(?-i:[A-Z]+)``).
    """

    __slots__ = ("regex", "needles")

    def __init__(self, source: str, flags: int = re.IGNORECASE):
        self.regex = re.compile(source, flags)
        self.needles = needles(source, flags)

    def finditer(self, analysed: Analysed) -> Iterator[re.Match]:
        if self.needles is None:
            return self.regex.finditer(analysed.text)
        folded = analysed.folded
        for needle in self.needles:
            if needle in folded:
                return self.regex.finditer(analysed.text)
        return iter(())


_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def needles(source: str, flags: int = 0) -> frozenset[str] | None:
    """Folded literals of which every match of ``source`` contains one, or None when there are none
    to be sure of (a pattern of digits or classes only). Folding keeps them true whatever the case,
    accents and typographic apostrophes of the text (see ``fold``)."""
    try:
        parsed = sre_parser.parse(source, flags)
    except Exception:  # a parser of another Python version: no needles, every text is scanned
        return None
    found = _required(parsed)
    if not found or not all(found):
        return None
    return frozenset(fold(literal) for literal in found)


def _required(items) -> set[str] | None:
    """For a sequence of parsed items: the most telling set of literals one of which every match holds."""
    best: set[str] | None = None

    def keep(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and all(candidate) and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run = ""
    for op, value in items:
        if op is sre_constants.LITERAL:
            run += chr(value)
            continue
        if op in _ZERO_WIDTH:  # consumes nothing: the literals around it are consecutive in the text
            continue
        if run and op in (sre_constants.SUBPATTERN, sre_constants.BRANCH):
            # « co(?:de|upon) »: the run goes on into each alternative (« code », « coupon »).
            starts = _prefixes([(op, value)])
            if all(starts):
                keep({run + start for start in starts})
        keep({run} if run else None)
        run = ""
        if op is sre_constants.SUBPATTERN:
            keep(_required(value[3]))
        elif op is sre_constants.ATOMIC_GROUP:
            keep(_required(value))
        elif op in _REPEATS and value[0] >= 1:
            keep(_required(value[2]))
        elif op is sre_constants.BRANCH:
            alternatives = [_required(alternative) for alternative in value[1]]
            if all(alternatives):
                keep(set().union(*alternatives))
    keep({run} if run else None)
    return best


def _prefixes(items) -> set[str]:
    """The literal each alternative of a parsed sequence begins with ("" for one that begins otherwise)."""
    if items and items[0][0] is sre_constants.BRANCH:
        return set().union(*(_prefixes(alternative) for alternative in items[0][1][1]))
    if items and items[0][0] is sre_constants.SUBPATTERN and len(items) == 1:
        return _prefixes(items[0][1][3])
    prefix = ""
    for op, value in items:
        if op is not sre_constants.LITERAL:
            break
        prefix += chr(value)
    return {prefix}
