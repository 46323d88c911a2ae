"""Tokens of a folded text and their positions, with simple obfuscations undone.

A token is a run of letters and digits (unseen characters inside it ignored: ``unseen``); elisions
(l', d', qu') and hashtags or mentions (#votezpour, @parti) split or strip naturally; digits
standing for letters inside a word (v0tez) are read as letters, and letters spaced or dotted apart
(v.o.t.e.z) are joined.

Speed tricks and the plain versions they agree with (``test_text.py`` proves it): a text without
unseen characters is split by ``_plain_tokens`` on a masked copy (``_TOKEN_BYTES``), as
``_joined_tokens`` splits it with the token pattern; ``_MIXED_FLAGS`` finds what ``_MIXED`` finds,
and ``_SPACED_IN_MASK`` holds a match wherever ``_SPACED_LETTERS`` does.
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
    up to the start of the next one, this text shares (see ``analysis.Analysed``): those are taken as
    they are, each token being read on its own.
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
