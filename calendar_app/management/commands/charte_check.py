"""Check a text read on standard input against the Charte, as a post with the given context.

Exit status: 0 when nothing blocks, 1 when something blocks, 2 on bad arguments.
"""

from __future__ import annotations

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from calendar_app.charte.base import CheckContext, LinkInfo
from calendar_app.charte.loader import election_at, election_info, get_ruleset, takes_part_in_election
from calendar_app.models import Person, Post
from kernel.networks import NETWORKS


class Command(BaseCommand):
    help = "Check a text from standard input against the Charte éditoriale and print the results."
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(text)) in tests and scripts

    def add_arguments(self, parser):
        parser.add_argument("--category", choices=Post.Category.values, default=Post.Category.PUBLIC_INTEREST)
        parser.add_argument("--channel", choices=sorted(NETWORKS), help="Check the text as this network's version.")
        parser.add_argument("--at", help="As if published then (ISO date or date-time); default: now.")
        parser.add_argument("--author", help="Username of the author (election rules).")
        parser.add_argument("--origin", choices=Post.Origin.values, default=Post.Origin.INTERNAL)
        parser.add_argument("--health-safety", action="store_true")
        parser.add_argument("--reply-to-english", action="store_true")
        parser.add_argument("--rules-url", help="A link to the contest rules (art. 5.8).")
        parser.add_argument(
            "--outside-press-release",
            action="store_true",
            help="The text is another organisation's press release (art. 5.3): blocked unless --authorised.",
        )
        parser.add_argument(
            "--authorised",
            action="store_true",
            help="Relaying the outside press release is authorised (art. 5.3).",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON list of the results.")

    def handle(self, *args, **options):
        at = self._moment(options["at"])
        author = None
        if options["author"]:
            author = Person.objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"No person has the username {options['author']!r}.", returncode=2)
        election = election_at(at)
        context = CheckContext(
            body=(options.get("stdin") or sys.stdin).read(),
            category=options["category"],
            at=at,
            origin=options["origin"],
            versions=[(None, options["channel"], "")] if options["channel"] else [],
            links=[LinkInfo(options["rules_url"], "contest_rules")] if options["rules_url"] else [],
            health_and_safety=options["health_safety"],
            replies_to_english=options["reply_to_english"],
            outside_press_release=options["outside_press_release"],
            outside_press_release_authorised=options["outside_press_release"] and options["authorised"],
            election=election_info(election),
            author_takes_part_in_election=takes_part_in_election(author, election, timezone.localdate(at)),
        )
        ruleset = get_ruleset()
        results = ruleset.check(context)
        if options["json"]:
            fields = ("code", "article", "severity", "message", "start", "end")
            self.stdout.write(json.dumps([{name: getattr(result, name) for name in fields} for result in results]))
        else:
            self.stdout.write(f"Rule set {ruleset.version}")
            for result in results:
                where = f" [{result.start}:{result.end}]" if result.start is not None else ""
                self.stdout.write(f"{result.severity.upper():5} {result.code}{where} {result.message}")
            if not results:
                self.stdout.write("Nothing to report.")
        if any(result.blocks for result in results):
            sys.exit(1)

    @staticmethod
    def _moment(value: str | None) -> datetime.datetime:
        if not value:
            return timezone.now()
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise CommandError(f"--at {value!r} is not an ISO date or date-time.", returncode=2)
            moment = datetime.datetime.combine(day, datetime.time(12, 0))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment
