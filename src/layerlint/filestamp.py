"""When a file's content can be taken as unchanged without reading it (git's rule).

The results cache (cache.py) and the project's text facts (projecttext.py) record a
file's stat signature when they read it, and trust it on a later run only while it
still matches.
"""

from __future__ import annotations

import os
import time
from typing import Any


def signature(st: os.stat_result) -> list[int]:
    """What identifies a file's content without reading it, and when it was read."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, time.time_ns()]


# a file modified this close to the moment it was hashed may change again within the
# same timestamp tick (coarse on some file systems): its signature is not trusted
RACY_NS = 3_000_000_000


def unchanged_since(recorded: Any, st: os.stat_result) -> bool:
    """Git's rule: a file whose size, modification and change times and inode are those
    recorded when it was hashed, and was not modified within RACY_NS of that moment,
    still has the hashed bytes (a write always moves the change time, which no tool
    can set back)."""
    if not (isinstance(recorded, list) and len(recorded) == 5 and all(type(v) is int for v in recorded)):
        return False
    size, mtime, ctime, ino, checked = recorded
    return (
        size == st.st_size
        and mtime == st.st_mtime_ns
        and ctime == st.st_ctime_ns
        and ino == st.st_ino
        and max(mtime, ctime) < checked - RACY_NS
    )
