"""Tokens of a folded text and their positions, with simple obfuscations undone.

A token is a run of letters and digits (unseen characters inside it ignored: ``unseen``); elisions
(l', d', qu') and hashtags or mentions (#votezpour, @parti) split or strip naturally; digits
standing for letters inside a word (v0tez) are read as letters, and letters spaced or dotted apart
(v.o.t.e.z) are joined.

``tokens_reference`` is the plain version: the text split on the token pattern. ``tokens`` gives the
same tokens (``test_reference_implementations.py`` proves it on arbitrary texts), faster for a text
without unseen characters (nearly every text): see ``_masked_words``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from itertools import accumulate, compress
from itertools import count as naturals
from operator import add, not_

from calendar_app.charte.text.unseen import UNSEEN, characters, holds_unseen

# Digits and signs that stand for letters inside a word (leetspeak).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})

# A token, captured so that splitting a text on tokens keeps them: [gap, token, gap, token, …, gap].
# Possessive quantifiers: a token is the longest run, and the engine keeps no backtracking state.
_TOKEN = re.compile(rf"([a-z0-9]++(?:[{UNSEEN}@$]++[a-z0-9]++)*+)")
_UNSEEN_TABLE = str.maketrans("", "", characters(UNSEEN))

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
    token; tuples of strings and numbers are left alone by the garbage collector once it has seen them)."""

    __slots__ = ("words", "starts", "ends")

    def __init__(self, words: Sequence[str], starts: Sequence[int], ends: Sequence[int]):
        self.words, self.starts, self.ends = tuple(words), tuple(starts), tuple(ends)

    def __len__(self) -> int:
        return len(self.words)


def tokens(folded: str) -> Tokens:
    """The tokens of an already folded text, with obfuscations undone (what ``tokens_reference`` gives)."""
    words, starts, ends = _pattern_words(folded) if holds_unseen(folded) else _masked_words(folded)
    return _undo_obfuscations(folded, words, starts, ends)


def tokens_reference(folded: str) -> Tokens:
    """The plain version of ``tokens``: the text split on the token pattern."""
    return _undo_obfuscations(folded, *_pattern_words(folded))


def _undo_obfuscations(folded: str, words: list[str], starts: list[int], ends: list[int]) -> Tokens:
    """Words mixing letters with digits or signs read as letters (v0tez), letters spaced apart joined."""
    if _MIXED.search(folded):
        words = [word.translate(_LEET) if not word.isalpha() and _MIXED.search(word) else word for word in words]
    found = Tokens(words, starts, ends)
    if _SPACED_LETTERS.search(folded):
        found = _join_spaced_letters(found, folded)
    return found


def _pattern_words(folded: str) -> tuple[list[str], list[int], list[int]]:
    """The words of a text and their positions, split on the token pattern; unseen characters, which
    like @ and $ may join letters, are removed from the words."""
    # The text split on its tokens, whose positions are the running sums of the pieces' lengths.
    pieces = _TOKEN.split(folded)
    offsets = list(accumulate(map(len, pieces)))
    words = [word.translate(_UNSEEN_TABLE) for word in pieces[1::2]]
    return words, offsets[0:-1:2], offsets[1::2]


# Letters, digits, @ and $ kept, every other byte made a space: the masked text of ``_masked_words``.
_TOKEN_BYTES = bytes(code if chr(code) in string.ascii_lowercase + string.digits + "@$" else 32 for code in range(256))


def _masked_words(folded: str) -> tuple[list[str], list[int], list[int]]:
    """What ``_pattern_words`` gives for a text without unseen characters, at half the cost.

    1. Mask: the text encoded as ASCII (a character beyond it written « ? », so positions stay those
       of the text), then every byte but a letter, a digit, @ or $ made a space (``_TOKEN_BYTES``,
       ``bytes.translate``: one lookup per byte in C).
    2. Split the masked text on each space: the pieces that are not empty are the words. Piece i
       starts after the lengths of the pieces before it, plus i spaces; C iterators add them up.
    3. @ and $ join the letters or digits around them (info@ville); at either end of a word they are
       no part of it (@ville, 25$), and alone they are no word.
    Splitting every text on the token pattern (``tokens_reference``) costs 529,000 instructions per
    post more (``bench/charte_count.py``: +21 % of the Charte's 2,471,000)."""
    masked = folded.encode("ascii", "replace").translate(_TOKEN_BYTES).decode("ascii")
    pieces = masked.split(" ")
    lengths = list(map(len, pieces))
    starts = list(compress(map(add, accumulate(lengths, initial=0), naturals()), lengths))
    words = list(compress(pieces, lengths))
    ends = list(map(add, starts, map(len, words)))
    if "@" in masked or "$" in masked:
        for index in reversed(list(compress(range(len(words)), map(not_, map(str.isalnum, words))))):
            word = words[index]
            token = word.strip("@$")
            if token:
                starts[index] += len(word) - len(word.lstrip("@$"))
                words[index], ends[index] = token, starts[index] + len(token)
            else:
                del words[index], starts[index], ends[index]
    return words, starts, ends


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
    return Tokens(words, starts, ends)
