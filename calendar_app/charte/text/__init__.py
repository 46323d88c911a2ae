"""French-aware text matching for the Charte: folding, tokens, light inflection, lexicons.

One module per step, each building on the ones before it:

- ``folding``: ``fold`` keeps the length of the text, so a position in the folded text is a position
  in the original: results can point at the exact span a person wrote.
- ``unseen``: the characters people do not see (``INVISIBLE``, ``COMBINING_MARKS``), read as
  nothing inside a word.
- ``tokens``: a token is a run of letters and digits (unseen characters inside it ignored);
  elisions (l', d', qu') and hashtags or mentions (#votezpour, @parti) split or strip naturally;
  simple obfuscations are undone: digits standing for letters inside a word (v0tez) and letters
  spaced or dotted apart (v.o.t.e.z).
- ``stems``: ``stem`` folds plural and feminine forms onto one key, so a lexicon lists each word
  once.
- ``analysis``: ``Analysed``, a text folded, tokenised and stemmed once for every rule, and the
  vocabulary of stems the lexicons look for.
- ``lexicon``: ``Lexicon`` finds single words (inflected), phrases, and phrases written as one
  hashtag.
- ``patterns``: ``Pattern`` runs a regular expression of the rule data only on the texts that hold
  a literal every match contains (« promo », « % », « $ »): most texts hold none, and a membership
  test costs a fraction of a scan by Python's engine.

Four functions have a faster way than the plain one, each kept because it pays (the figure is in its
docstring, measured with ``bench/charte_count.py``): ``fold``, ``holds_unseen``, ``tokens`` and
``Pattern.finditer``. Each sits next to its plain version (``fold_reference``,
``holds_unseen_reference``, ``tokens_reference``, ``Pattern.finditer_reference``), and
``tests/calendar_app/charte/test_reference_implementations.py`` proves with Hypothesis that both give
the same results on arbitrary texts.
"""
