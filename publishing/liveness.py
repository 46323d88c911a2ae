"""Whether the process holding a claim is still running, when that can be known for certain.

A claim names its holder (``ChannelVersion.claimed_by``): host name, process id, the process's pid
namespace and its start time. A reaper on the same host and in the same pid namespace can tell that
the holder is gone — no such process, or another one that reuses its id — and release its claims at
once, instead of waiting for them to lapse (``CLAIM_SECONDS``). Anywhere else (another machine,
another container, a system without ``/proc``) nothing is certain, and the claim lapses as before.

Being wrong in the other direction would be harmful: a live worker's call in flight would be looked
up while it is still going out. So ``certainly_gone`` answers True only from ``/proc``'s own record.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path

PROC = Path("/proc")


def _start_time(pid: int | str) -> str | None:
    """When the process started (clock ticks since boot, ``/proc/<pid>/stat`` field 22), or None if there
    is no such process."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count the fields after it.
    return stat.rsplit(")", 1)[1].split()[19]


def _namespace() -> str:
    try:
        return os.readlink(PROC / "self" / "ns" / "pid")  # e.g. "pid:[4026531836]"
    except OSError:
        return ""


@functools.cache
def _this_process(pid: int) -> str:
    return f"{socket.gethostname()}:{pid} {_namespace()} {_start_time(pid) or ''}".strip()


def identity() -> str:
    """This process, as a claim names it: ``host:pid namespace start`` (the last two where ``/proc`` is)."""
    return _this_process(os.getpid())  # by pid: a forked worker is a process of its own


def certainly_gone(holder: str) -> bool:
    """Whether the process ``holder`` names has certainly stopped: it ran on this host, in this pid
    namespace, and its id is now free or another process's."""
    parts = holder.split()
    if len(parts) != 3 or not PROC.is_dir():
        return False
    host_pid, namespace, started = parts
    host, _, pid = host_pid.rpartition(":")
    if host != socket.gethostname() or namespace != _namespace() or not pid.isdigit():
        return False
    return _start_time(pid) != started
