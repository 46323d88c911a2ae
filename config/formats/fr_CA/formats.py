"""Dates and times as Québec writes them: « le 6 décembre 2026 à 9 h 55 » (Office québécois de la langue
française), instead of Django's fr_CA formats, whose unescaped « h » prints the hour twice
(« 2026-12-06 09 09 55 »). Input formats stay Django's (the forms' date pickers send ISO dates)."""

DATE_FORMAT = "j F Y"  # 6 décembre 2026
TIME_FORMAT = "G\u00a0\\h\u00a0i"  # 9 h 55
DATETIME_FORMAT = "\\l\\e j F Y \\à G\u00a0\\h\u00a0i"  # le 6 décembre 2026 à 9 h 55
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j N Y"  # 6 déc. 2026
SHORT_DATETIME_FORMAT = "j N Y, G\u00a0\\h\u00a0i"  # 6 déc. 2026, 9 h 55
FIRST_DAY_OF_WEEK = 0  # Sunday, as Québec calendars show it
