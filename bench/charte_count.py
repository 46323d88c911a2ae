"""Instructions per post spent by the Charte, in all and rule by rule, counted by callgrind.

Run: .venv/bin/python bench/charte_count.py [--posts N]   (needs valgrind; about two minutes)

Seconds on a shared machine vary by up to half from one minute to the next; the number of
instructions the processor runs does not: the same code and data give the same count on every
run. Use it to compare two versions of the Charte (``bench/charte.py`` gives the posts per second).
The script starts itself again under ``valgrind --tool=callgrind``, which counts only inside
``functools.reduce`` and writes a count before each call of ``math.factorial``: the analysis of the
texts, then each rule in the order of the rule set, each over every post.
Prints a table, then a last line that is a JSON object: {"instructions_per_post": ..., "by_rule": {...}}.
"""

from __future__ import annotations

import argparse
import functools
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

INSIDE = "CHARTE_COUNT_INSIDE"


def measured(posts: int) -> None:
    """Under callgrind: the analysis, then each rule, each over every post (caches warmed first)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import charte  # noqa: PLC0415 - sets Django up

    ruleset = charte.build_ruleset(charte.data_from_defaults())
    for context in charte.generate(200, seed=1):
        ruleset.check(context)
    contexts = [replace(context) for context in charte.generate(posts)]
    math.factorial(0)
    functools.reduce(lambda _total, context: context.units() and 0, contexts, 0)
    for rule in ruleset.rules:
        math.factorial(0)
        functools.reduce(lambda _total, context, rule=rule: rule.results(context) and 0, contexts, 0)
    math.factorial(0)
    print(json.dumps(["(text analysis)", *(rule.code for rule in ruleset.rules)]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    arguments = parser.parse_args()
    if os.environ.get(INSIDE):
        measured(arguments.posts)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed (Debian package valgrind).")
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=functools_reduce",
            "--dump-before=math_factorial",
            f"--callgrind-out-file={output}",
            sys.executable,
            __file__,
            f"--posts={arguments.posts}",
        ]
        # The same hash seed on every run: the order of sets, and so the count, stays the same.
        environment = {**os.environ, INSIDE: "1", "PYTHONHASHSEED": "0"}
        run = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
        names = json.loads(run.stdout.strip().splitlines()[-1])
        dumps = sorted(glob.glob(output + ".*"), key=lambda name: int(name.rsplit(".", 1)[1]))
        counts = [_total(dump) for dump in dumps][1 : 1 + len(names)]  # the first dump is the set-up
    by_rule = {name: round(count / arguments.posts) for name, count in zip(names, counts, strict=True)}
    for name, count in sorted(by_rule.items(), key=lambda item: -item[1]):
        print(f"  {name:24} {count:>10,} instructions/post")
    total = sum(by_rule.values())
    print(f"  {'total':24} {total:>10,} instructions/post ({arguments.posts} posts)")
    print(json.dumps({"instructions_per_post": total, "posts": arguments.posts, "by_rule": by_rule}))


def _total(dump: str) -> int:
    with open(dump) as lines:
        for line in lines:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
