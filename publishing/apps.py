from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing to the networks")

    def ready(self):
        from django_q.signals import post_spawn

        post_spawn.connect(warm_worker, dispatch_uid="vitrine-warm-worker")


def warm_worker(sender, proc_name=None, **kwargs):
    """A new django-q2 worker builds the Charte's rule set (dictionaries, lexicons) before its first
    task, so that the first publications of a burst do not pay for it at their due second."""
    from calendar_app.charte.loader import get_ruleset

    get_ruleset()
