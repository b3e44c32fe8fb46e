"""How the launcher starts each process: uvicorn, after asking Linux to stop this process when
the launcher dies, so a launcher killed hard (kill -9, the OOM killer) leaves no process behind
holding its port for the next `kaohe run`. Run alone, it is `python -m uvicorn`."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

import uvicorn.main

PR_SET_PDEATHSIG = 1


def main() -> None:
    launcher = os.getppid()
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    # The launcher may have died before the request took effect: then nothing would tell us.
    if os.getppid() != launcher:
        sys.exit(0)
    uvicorn.main.main()


if __name__ == "__main__":
    main()
