"""No advertising except the city's own (art. 5.6).

What blocks is *solicitation*: wording that sells or sponsors for a third party (« achetez », « en
vente chez », « commanditaire », « rabais », « en spécial », a promo code). A price next to such
wording blocks too. Posts of the categories in ``advertising_exempt_categories`` (the city's own
advertising) are never checked.

A price alone does not block. The policy forbids advertising, not amounts: « le permis coûte 50 $ »,
« inscription : 25 $ », « budget de 2,5 M$ », « salaire : 24,50 $ l'heure » are the city's own
information, and blocking them would push advisers to hide fees citizens need. So, without
solicitation wording:

- in a civic category (``advertising_civic_categories``: public notice, by-law, tender, job offer) a
  price is nothing to report;
- elsewhere, a price in a text that also says what civic amount it is (``advertising_civic_amounts``:
  tarif, permis, inscription, budget, salaire…) is nothing to report either;
- any other price is a warning (Finding severity WARN): the adviser checks it is the city's own
  amount and acknowledges it, or removes a third party's offer.

Solicitation phrases that are civic campaigns (« achetez local ») are exempted by the
``advertising_civic`` lexicon, and the city's own discounts on its fees (« rabais familial », « rabais
de 10 % dès le deuxième enfant ») by the ``advertising_civic_patterns``. What the city sells or
charges otherwise (a municipal sale « à bas prix ») is filed in the city's own advertising category,
which services may choose on their request form (organisations may not).

A municipal service's own request (an origin in ``advertising_city_origins``) is the city speaking of
what it sells or charges, whatever its category: the sale wording the city uses for its own sales
(``advertising_city_sale``: « bas prix », « prix réduit », « rabais », « quantités limitées »…) and
its prices pass there, so « Vente d'arbustes à bas prix, 15 $ » from the Service de l'environnement
does not block. A merchant's promotion still does: its third-party wording (« en vente chez », « code
promo », « commandité par », « notre boutique ») is not the city's sale wording. Every list, pattern,
origin and category is data in ``defaults/advertising.json``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity, quote
from calendar_app.charte.text.analysis import Analysed
from calendar_app.charte.text.lexicon import Lexicon


class Advertising(Check):
    code = "advertising"
    article = "5.6"
    severity = Severity.BLOCK
    help_text = _(
        "Commercial solicitation for a third party (buy, on sale at, sponsor, discount, promo code, prices in an "
        "offer), except in the city's own advertising."
    )

    SOLICITATION = _(
        "Commercial solicitation: « %(found)s ». The city's accounts carry no advertising except the city's own: "
        "remove it, or file the post as city advertising if the city is the advertiser."
    )
    OFFER_PRICE = _(
        "Price in a commercial offer: « %(found)s ». The city does not advertise a third party's prices: remove it."
    )
    PRICE = _(
        "Price: « %(found)s ». Check that it is an amount of the city (a fee, a permit, a registration) and not a "
        "third party's offer, which the city cannot advertise."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        # The civic exemptions and the solicitation wording read as one lexicon (a text is read once);
        # at the same words the longest term wins, so « achetez local » hides « achetez ».
        exempt = data.lexicon("advertising_civic").terms
        self.exempt_terms = frozenset(exempt)
        self.solicitation = Lexicon([*exempt, *data.lexicon("advertising_solicitation").terms])
        self.solicitation_patterns = data.patterns("advertising_solicitation_patterns")
        self.civic_patterns = data.patterns("advertising_civic_patterns")
        self.prices = data.patterns("advertising_prices")
        self.civic_amounts = data.lexicon("advertising_civic_amounts")
        self.city_sale = data.lexicon("advertising_city_sale")
        self.city_origins = frozenset(data.setting("advertising_city_origins") or ())
        self.exempt_categories = frozenset(data.setting("advertising_exempt_categories") or ())
        self.civic_categories = frozenset(data.setting("advertising_civic_categories") or ())

    def check(self, context: CheckContext):
        if context.category in self.exempt_categories:
            return
        city_own = context.origin in self.city_origins  # a municipal service's own request
        civic_category = city_own or context.category in self.civic_categories
        for unit in context.units():
            analysed = unit.text
            if analysed is None or not analysed.text:
                continue
            text = analysed.text
            offers = self._solicitations(analysed, city_own=city_own)
            prices = self._prices(analysed)
            for start, end in offers:
                yield unit, self._finding(self.SOLICITATION, text, start, end)
            if offers:
                for start, end in prices:
                    yield unit, self._finding(self.OFFER_PRICE, text, start, end)
            elif prices and not civic_category and not self.civic_amounts.find(analysed):
                for start, end in prices:
                    yield unit, self._finding(self.PRICE, text, start, end, Severity.WARN)

    @staticmethod
    def _finding(message, text: str, start: int, end: int, severity: str | None = None) -> Finding:
        return Finding(
            message=message, params={"found": quote(text[start:end])}, start=start, end=end, severity=severity
        )

    def _solicitations(self, analysed: Analysed, *, city_own: bool = False) -> list[tuple[int, int]]:
        spans, exempt = [], []
        for match in self.solicitation.find(analysed):
            (exempt if match.term in self.exempt_terms else spans).append((match.start, match.end))
        for pattern in self.solicitation_patterns:
            for match in pattern.finditer(analysed):
                spans.append(match.span())
        # The city's own discounts on its fees (« rabais de 10 % dès le deuxième enfant »).
        exempt += [match.span() for pattern in self.civic_patterns for match in pattern.finditer(analysed)]
        if city_own:  # the city's own sale wording (« bas prix », « 20 % de rabais ») in its own request
            exempt += [(match.start, match.end) for match in self.city_sale.find(analysed)]
        if exempt and spans:  # a pattern inside a civic phrase (« rabais de taxes ») is civic too
            spans = [span for span in spans if not any(span[0] < end and start < span[1] for start, end in exempt)]
        return _without_overlaps(spans)

    def _prices(self, analysed: Analysed) -> list[tuple[int, int]]:
        return _without_overlaps([match.span() for pattern in self.prices for match in pattern.finditer(analysed)])


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order; a span overlapping an earlier one (or a longer one at the same start) is dropped."""
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept
