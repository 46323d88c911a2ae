"""Old dotted paths that django-q2 may still hold after an upgrade; nothing in Vitrine imports this module.

The worker now lives in ``publishing.claims`` (what is due, claiming), ``publishing.task`` (the
publish task), ``publishing.sending``, ``publishing.outcomes``, ``publishing.notifications`` and
``publishing.reaper``. Two names stay here: ``publish_batch``, for tasks queued under this path
before the upgrade (a lost one would only wait for the reaper), and ``reap``, named by the reaper's
Schedule row until migration ``publishing.0003_reaper_moved`` renames it. Remove this module once
every installation has migrated past 0003 and drained its queue.
"""

from publishing.reaper import reap
from publishing.task import publish_batch

__all__ = ["publish_batch", "reap"]
