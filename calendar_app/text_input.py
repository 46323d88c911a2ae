"""What every text people write goes through before it is stored: one form, and no hidden characters.

Guarantees:
- ``normalise_text`` returns the text in Unicode NFC (« é » is one character however it was typed
  or pasted) with every line ending written ``\\n``; it is idempotent.
- ``validate_text`` refuses a text holding a character of ``CONTROL_CHARACTERS``,
  ``UNENCODABLE_CHARACTERS`` (code ``control_character``) or ``BIDI_CONTROLS`` (code
  ``bidi_control``), and accepts every other text; its message names the character's code point.
- ``clean_text`` is both, plus an optional length limit (code ``max_length``), for services that
  receive text from elsewhere than a form (imports, the API, the lead's services).
- ``TextField`` is a form ``CharField`` that does the same for every text a form stores.

Zero-width characters and soft hyphens are accepted here (emoji sequences need the zero-width
joiner, and French words may carry a soft hyphen); the Charte reads them as people see them
(``calendar_app.charte.text``).
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. They show as nothing, mean
# nothing in a post, and XML 1.0 cannot carry the C0 ones: one of them on the website feed made
# /flux/rss/ answer 500 for everyone (issue 11). PostgreSQL refuses NUL in a text column.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"

# Lone surrogates cannot be written in UTF-8 (the database's encoding); U+FFFE and U+FFFF are
# "noncharacters" that XML cannot carry. A text receives none of them by accident.
UNENCODABLE_CHARACTERS = "\ud800-\udfff\ufffe\uffff"

# Bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI).
# They reorder what a reader sees without changing what the text holds: « \u202eruop zetov »
# shows as « votez pour ». A French text (art. 5.2) never needs them; the direction marks LRM and
# RLM, which reorder nothing, are left alone.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}{UNENCODABLE_CHARACTERS}]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_LINE_ENDING = re.compile(r"\r\n?")

CONTROL_MESSAGE = _(
    "The text contains an invisible character (%(code_point)s): delete it (it often comes from a copy and paste)."
)
BIDI_MESSAGE = _(
    "The text contains a character that changes the direction of writing (%(code_point)s): delete it. French is "
    "the language of communication, and a text must read as it is written (art. 5.2)."
)


def code_point(char: str) -> str:
    """How a message names a character: « U+000B »."""
    return f"U+{ord(char):04X}"


def normalise_text(value: str) -> str:
    """``value`` in NFC, with Windows (\\r\\n) and old Mac (\\r) line endings written \\n."""
    if "\r" in value:
        value = _LINE_ENDING.sub("\n", value)
    if value.isascii():  # ASCII is already NFC (and most texts' first test)
        return value
    return unicodedata.normalize("NFC", value)


def validate_text(value: str) -> None:
    """Raise ``ValidationError`` naming the first refused character of each kind found in ``value``."""
    errors = []
    control = _CONTROL.search(value)
    if control is not None:
        errors.append(
            ValidationError(
                CONTROL_MESSAGE, code="control_character", params={"code_point": code_point(control.group())}
            )
        )
    bidi = _BIDI.search(value)
    if bidi is not None:
        errors.append(
            ValidationError(BIDI_MESSAGE, code="bidi_control", params={"code_point": code_point(bidi.group())})
        )
    if errors:
        raise ValidationError(errors)


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """``value`` normalised, once it is known to hold no refused character and to fit ``max_length``
    characters (counted after normalisation, as they are stored)."""
    value = normalise_text(value)
    errors = []
    if max_length is not None:
        try:
            MaxLengthValidator(max_length)(value)
        except ValidationError as error:
            errors.extend(error.error_list)
    try:
        validate_text(value)
    except ValidationError as error:
        errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return value


class TextField(forms.CharField):
    """A ``CharField`` whose text is normalised (``normalise_text``) and validated (``validate_text``)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_text(value)
