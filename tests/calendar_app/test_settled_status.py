"""Publish outcome → post status: one rule (``workflow.settled_status``), for the worker and the services alike."""

from __future__ import annotations

import pytest

from calendar_app.workflow import TRANSITIONS, Status, settled_status

S = Status


@pytest.mark.parametrize(
    ("versions", "post"),
    [
        ({S.PUBLISHED}, S.PUBLISHED),
        ({S.PUBLISHED, S.WITHDRAWN}, S.PUBLISHED),
        ({S.PUBLISHED, S.REMOVED}, S.PUBLISHED),
        ({S.PUBLISHED, S.FAILED}, S.PARTIALLY_PUBLISHED),
        ({S.PUBLISHED, S.BLOCKED}, S.PARTIALLY_PUBLISHED),
        ({S.FAILED, S.BLOCKED}, S.FAILED),
        ({S.BLOCKED, S.WITHDRAWN}, S.BLOCKED),
        ({S.PUBLISHED, S.SCHEDULED}, None),
        ({S.FAILED, S.PUBLISHING}, None),
        ({S.WITHDRAWN}, None),
    ],
)
def test_a_post_settles_once_no_channel_is_left_to_go_out(versions, post):
    assert settled_status(versions) == post


def test_every_settled_status_is_a_move_the_table_allows_from_publishing():
    for versions in [{S.PUBLISHED}, {S.PUBLISHED, S.FAILED}, {S.FAILED}, {S.BLOCKED}]:
        assert settled_status(versions) in TRANSITIONS[S.PUBLISHING]
