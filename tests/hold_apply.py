"""``python -m tests.hold_apply HOLD ARGS…``: run ``qplan ARGS…`` with apply stopped once its
revision is written and before it commits: the file HOLD is made (holding the process id)
and the apply waits until the test removes it, or kills the process."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    import qplan.plan.state as state
    from qplan.cli import main as qplan

    hold = Path(sys.argv[1])

    def wait() -> None:
        hold.write_text(str(os.getpid()))
        deadline = time.monotonic() + 120
        while hold.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    state.before_commit = wait
    qplan(sys.argv[2:])


if __name__ == "__main__":
    main()
