"""Personal information (art. 5.13): no personal or non-public information, no individual case.

``rule.PersonalData`` blocks a post that shows a person's phone number, e-mail address, civic
address, social insurance number (NAS), date of birth, file or case number, or health information,
each with its exact span. The city's own official contacts (``data.official_contacts``) pass, and
so does an institution's, a service's or a role's contact: the policy protects *persons'*
information (``holders`` tells one from the other by the words around it).

One detector per module, each built from the rule data and each telling what it found as a
``patterns.Found`` (a kind and a span): ``phones``, ``emails``, ``civic_addresses``,
``social_insurance``, ``births``, ``files`` (file numbers, a named person's file and individual
cases) and ``health``; ``holders`` reads whose a contact is and the names of persons;
``patterns`` holds what they share, ``rule`` the check that runs them, keeps a person's contacts and
the longest of overlapping findings.

What is code and what is data: the *shapes* (a North American phone number, an e-mail address, a
Canadian postal code, nine digits passing the Luhn check, a date) are generic and live here; every
*word* (extension markers, street types, the words that announce a date of birth or a file number,
months, health terms) comes from the ``personal_data_*`` lexicons of
``calendar_app/charte/defaults/personal_data.json``, editable in the admin.

Everything is read from ``Analysed.folded`` (lower case, accents removed, same length as the
text), so a span found there is the span in what the person wrote.

Speed: the whole Charte must check thousands of posts a second, so no pattern is run over the
whole text but one cheap scan for digits: phone numbers, NAS and postal codes are then read only
around the numbers it finds, and what a word announces (« né le », « dossier no », « tél. »)
only where that word is, found through the stems the text was already analysed into.
"""
