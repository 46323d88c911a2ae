"""Direction controls (art. 5.2): a text must read as it is written; a bidirectional embedding,
override or isolate shows other words than it holds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity
from calendar_app.charte.text.unseen import holds_unseen
from calendar_app.text_input import BIDI_CONTROLS, code_point


class DirectionControls(Check):
    code = "direction_control"
    article = "5.2"
    severity = Severity.BLOCK
    help_text = _(
        "Characters that change the direction of writing are refused: a text must read as it is written, in French."
    )
    MESSAGE = _(
        "The text contains a character that changes the direction of writing (%(code_point)s): what readers see "
        "is not what was checked. Delete it; a text must read as it is written."
    )

    def check(self, context: CheckContext):
        for unit in context.units():
            analysed = unit.text
            if analysed is None:
                continue
            # Every direction control is an unseen character: most texts hold none, which one encoding of
            # the folded text (same positions) usually tells; then nine searches of str's own, in C.
            text = analysed.text
            if not holds_unseen(analysed.folded) or not any(map(text.__contains__, BIDI_CONTROLS)):
                continue
            position = min(text.find(char) for char in BIDI_CONTROLS if char in text)
            char = text[position]
            yield unit, Finding(self.MESSAGE, {"code_point": code_point(char)}, start=position, end=position + 1)
