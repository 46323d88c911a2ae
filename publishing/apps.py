import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing to the networks")

    def ready(self):
        from django_q.signals import post_spawn

        post_spawn.connect(warm_worker, dispatch_uid="vitrine-warm-worker")
        if sys.argv[1:2] == ["qcluster"]:
            preload_for_workers()


def preload_for_workers() -> None:
    """In the django-q2 cluster's own process, before it forks its workers: the spelling dictionary (about
    half a second to load, no database), which every worker then has from its start. Loaded by each worker
    instead, four workers restarting together on two cores took a second more to their first call."""
    from calendar_app.charte.rules.language.spelling import preload_dictionary

    preload_dictionary()


def warm_worker(sender, proc_name=None, **kwargs):
    """A new django-q2 worker builds the Charte's rule set (dictionaries, lexicons) before its first
    task, so that the first publications of a burst do not pay for it at their due second."""
    from calendar_app.charte.loader import get_ruleset

    get_ruleset()
