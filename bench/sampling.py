"""A sampling profile of a running Daphne process (py-spy, a dev dependency).

pyinstrument sees only the thread it runs in, so ``_live_path_profile`` runs the consumer's
database functions in-process; this records the real server under the real load instead: every
thread (the event loop, Channels' database thread), including time spent waiting on the
database. ``Recording`` starts ``py-spy record`` on a pid, stops it with SIGINT (py-spy then
writes its raw stacks) and sums the stacks into shares of all samples.
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

_LINE = re.compile(r":\d+\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Recording:
    def __init__(self, pid: int, path: Path, rate: int = 200):
        self.pid, self.path, self.rate = pid, Path(path), rate
        self.proc: subprocess.Popen | None = None
        self.error: str | None = None

    def start(self) -> Recording:
        binary = _py_spy()
        if binary is None:
            self.error = "py-spy is not installed (pip install -e '.[dev]')"
            return self
        self.proc = subprocess.Popen(
            [
                binary,
                "record",
                "--pid",
                str(self.pid),
                "--rate",
                str(self.rate),
                "--format",
                "raw",
                "--nonblocking",
                "-o",
                str(self.path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._collect_error()
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._collect_error()

    def _collect_error(self) -> None:
        if self.proc is not None and not self.path.exists():
            self.error = (self.proc.stderr.read() if self.proc.stderr else "")[-500:] or (
                f"py-spy exited with {self.proc.returncode} and wrote nothing"
            )

    def summary(self, top: int = 45) -> dict:
        """Shares of all samples: per thread entry point, inclusive per function (a function
        counted once per stack), and own (the innermost frame). Also written beside the raw
        stacks as ``<name>.summary.txt``."""
        if self.error or not self.path.exists():
            return {"error": self.error or "no samples"}
        total = 0
        threads: collections.Counter = collections.Counter()
        inclusive: collections.Counter = collections.Counter()
        own: collections.Counter = collections.Counter()
        for line in self.path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [_LINE.sub(")", f) for f in stack.split(";")]
            threads[frames[0]] += n
            for frame in set(frames[1:]):
                inclusive[frame] += n
            own[frames[-1]] += n
        if not total:
            return {"error": "no samples"}

        def shares(counter: collections.Counter, k: int) -> list[tuple[str, float]]:
            return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(k)]

        result = {
            "samples": total,
            "raw": str(self.path),
            "threads_pct": shares(threads, 5),
            "inclusive_pct": shares(inclusive, top),
            "own_pct": shares(own, 20),
        }
        lines = [f"py-spy, pid {self.pid}, {total} samples at {self.rate}/s", ""]
        for title, key in (
            ("thread", "threads_pct"),
            ("inclusive", "inclusive_pct"),
            ("own", "own_pct"),
        ):
            lines.append(f"-- {title}")
            lines += [f"{pct:5.1f}% {name}" for name, pct in result[key]]
            lines.append("")
        summary = self.path.with_suffix(".summary.txt")
        summary.write_text("\n".join(lines))
        result["text"] = str(summary)
        return result
