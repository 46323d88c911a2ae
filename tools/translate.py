"""Fill French translations given as ``English<TAB>French`` lines on standard input, then compile.

For the few new messages of a change: `make messages`, then
`printf 'Source\tTraduction\n' | .venv/bin/python tools/translate.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

PROJECT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(PROJECT.glob("*/locale/fr/LC_MESSAGES/django.po"))


def main() -> None:
    given = dict(line.rstrip("\n").split("\t", 1) for line in sys.stdin if "\t" in line)
    for path in CATALOGUES:
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.msgid in given:
                entry.msgstr = given[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = None
        catalogue.save()
        missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
        for msgid in missing:
            print(f"{path.relative_to(PROJECT)}: still untranslated: {msgid!r}")
    subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "compilemessages", "--ignore=.venv"], check=True, cwd=PROJECT
    )


if __name__ == "__main__":
    main()
