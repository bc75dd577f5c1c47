"""Named points where the fault-injection tests kill the process, to prove crash safety.

Off unless ``RAG_CRASH_AT`` is set (a test hook, not a setting): ``RAG_CRASH_AT=n`` sends SIGKILL
to this process at the n-th crash point it reaches (1-based); ``RAG_CRASH_TRACE=FILE`` appends
the name of every point reached to FILE, so a test can list them first. Points sit before every
write of the snapshot switch and between the steps of an ingest.
"""

from __future__ import annotations

import os
import signal

KILL_ENV = "RAG_CRASH_AT"
TRACE_ENV = "RAG_CRASH_TRACE"
_reached = 0


def crash_point(name: str) -> None:
    """Mark a point; dies here (SIGKILL) when the tests asked for this one."""
    global _reached
    kill_at, trace = os.environ.get(KILL_ENV), os.environ.get(TRACE_ENV)
    if not kill_at and not trace:
        return
    _reached += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as fh:
            fh.write(f"{_reached}\t{name}\n")
    if kill_at and int(kill_at) == _reached:
        os.kill(os.getpid(), signal.SIGKILL)
