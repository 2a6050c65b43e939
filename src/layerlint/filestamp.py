"""The files of the cache folder: when a file's content can be taken as unchanged without
reading it (git's rule), and how they are written.

The results cache (cache.py) and the project's text facts (projecttext.py) record a
file's stat signature when they read it, and trust it on a later run only while it
still matches; each writes its JSON whole to a temporary file renamed over the old one
(:func:`write_json_atomically`), so that a reader sees the old file or the new one.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
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


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as compact JSON to a temporary file in ``path``'s folder, then rename
    it over ``path``; raises OSError (the temporary file removed)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
