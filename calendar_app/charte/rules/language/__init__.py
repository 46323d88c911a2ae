"""Official language and language quality (art. 5.2).

« La langue de communication utilisée avec les citoyens est donc le français. […] Si la Ville de
Montmagny est interpellée en anglais par un citoyen, elle pourra répondre en anglais. La qualité de
la langue doit être la plus impeccable possible en toute circonstance. »

One rule per module:

- ``official.OfficialLanguage`` blocks a text whose language is not French, unless the post is
  marked "health and safety" or answers a message written in English. Texts too short to judge
  are never blocked. How the language is decided: ``calendar_app/charte/language_id.py``.
- ``spelling.Spelling`` warns on words that are not in the French dictionary of pyspellchecker
  (loaded once per process), with a suggestion when there is a likely one. Left out: proper nouns
  (a capital mid-sentence), acronyms, hashtags, @mentions, URLs, e-mail addresses, numbers, and the
  words of the ``spelling_allowed_words`` lexicon (the city's names, Québec usage, accepted
  technical terms).
- ``typography.Typography`` warns on French typography faults: no space before « : ; ! ? », no
  space inside « », and "…" or “…” instead of « … ». URLs, times (10:30), ratios (16:9) and
  emoticons pass.
- ``direction.DirectionControls`` blocks a text holding a bidirectional embedding, override or
  isolate (``calendar_app.text_input.BIDI_CONTROLS``): it shows other words than it holds
  (« \u202eruop zetov » shows « votez pour »), so no rule could read it as people see it. Forms
  refuse them; this catches what comes another way (the admin, an import).

Spelling and typography read only the texts judged French (or short texts with a French word and
no English one, ``Verdict.reads_as_french``): an English text allowed for health and safety is not
corrected as French. All word lists and characters are data (``defaults/language.json``).
"""
