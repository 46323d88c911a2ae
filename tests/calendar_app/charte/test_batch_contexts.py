"""The Charte's contexts for a batch of posts (``contexts_for_posts``, the publishing worker's checks of a burst,
a few queries in all) are exactly those of ``context_for_post``, the plain reference that reads each post alone."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_app.charte.loader import context_for_post, contexts_for_posts, data_from_defaults
from calendar_app.models import Candidate, ChannelVersion, ElectionPeriod, Party, PostLink, PostMedia
from calendar_app.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
DATA = data_from_defaults()
NOW = timezone.now().replace(microsecond=0)
NOTICE = "La collecte des résidus verts aura lieu le 3 novembre. Déposez vos sacs en bordure de rue avant 7 h."


def planned(post, *, days: float, status=Status.SCHEDULED):
    """``post``'s versions planned ``days`` from now (a scheduled text counts as recent on its channels)."""
    due = NOW + datetime.timedelta(days=days)
    published_at = due if status == Status.PUBLISHED else None
    ChannelVersion.objects.filter(post=post).update(status=status, due_at=due, published_at=published_at)
    return post


@pytest.fixture
def world():
    """Posts on three channels: repeated texts within and beyond the window, a candidate's post in an election
    period, media and links, a version with its own text, an outside organisation's press release."""
    facebook, mastodon, x = factories.channel("facebook"), factories.channel("mastodon"), factories.channel("x")
    candidate = factories.reviewer(email="candidat@example.org")  # a member of the team who runs
    election = ElectionPeriod.objects.create(
        name="Élection municipale",
        starts_on=(NOW + datetime.timedelta(days=20)).date(),
        polling_day=(NOW + datetime.timedelta(days=30)).date(),
        ends_on=(NOW + datetime.timedelta(days=31)).date(),
    )
    party = Party.objects.create(election=election, name="Équipe Montmagny", aliases="EM\nÉquipe M.")
    Candidate.objects.create(election=election, full_name="Gilles Boucher", party=party, person=candidate)
    posts = [
        planned(factories.post(channels=[facebook, mastodon], body=NOTICE), days=1),
        planned(factories.post(channels=[facebook], body=NOTICE), days=3),
        planned(factories.post(channels=[facebook, x], body=NOTICE), days=45, status=Status.PUBLISHED),
        planned(factories.post(author=candidate, channels=[x], body="Merci aux bénévoles de la fête !"), days=25),
        factories.post(
            channels=[mastodon, x],
            body="Le Festival de l'Oie blanche revient en octobre.",
            version_texts={x: "Festival de l'Oie blanche : en octobre !"},
        ),
        factories.post(
            channels=[facebook], category="press_release", body="Communiqué du club.", from_outside_organisation=True
        ),
    ]
    asset = factories.media(factories.reviewer(), alt_text="L'affiche du festival", shows_identifiable_persons=True)
    PostMedia.objects.create(post=posts[4], asset=asset)
    PostLink.objects.create(post=posts[4], url="https://ville.montmagny.qc.ca/festival", position=1)
    PostLink.objects.create(post=posts[4], url="https://ville.montmagny.qc.ca/billets", position=0)
    return posts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.tuples(st.integers(0, 5), st.floats(-10, 60)), min_size=1, max_size=8))
def test_a_batchs_contexts_are_each_posts_own(world, batch):
    """Any posts (the same one twice included) at any moments, election period and repetition window included."""
    pairs = [(world[index], NOW + datetime.timedelta(days=days)) for index, days in batch]
    expected = [context_for_post(post, data=DATA, at=at) for post, at in pairs]
    assert contexts_for_posts(pairs, data=DATA) == expected


def test_the_batch_reads_its_posts_in_a_few_queries_whatever_their_number(world):
    """Per batch: versions, media, links, recent texts; per day, its election period; per election, its sides;
    per author and election day, their part. Never per post."""
    pairs = [(post, NOW + datetime.timedelta(days=days)) for post in world for days in (1, 2, 25, 26)]
    with CaptureQueriesContext(connection) as batch:
        contexts_for_posts(pairs, data=DATA)
    with CaptureQueriesContext(connection) as thrice:
        contexts_for_posts(pairs * 3, data=DATA)
    with CaptureQueriesContext(connection) as alone:
        for post, at in pairs:
            context_for_post(post, data=DATA, at=at)
    assert len(thrice) == len(batch) < len(alone) / 2
