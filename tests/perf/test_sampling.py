"""The benchmark's sampling profiler (bench/sampling.py) records a running process and names
where it spends its time."""

import subprocess
import sys
import textwrap
import time

import pytest

from bench import sampling

BUSY = textwrap.dedent(
    """
    import time

    def spin_in_a_named_function():
        end = time.monotonic() + 30
        while time.monotonic() < end:
            sum(range(1000))

    print("ready", flush=True)
    spin_in_a_named_function()
    """
)


def test_a_recording_of_a_busy_process_names_its_busy_function(tmp_path):
    if sampling._py_spy() is None:
        pytest.skip("py-spy is not installed (a dev dependency: make install-dev)")
    busy = subprocess.Popen([sys.executable, "-c", BUSY], stdout=subprocess.PIPE, text=True)
    try:
        assert busy.stdout.readline().strip() == "ready"
        recording = sampling.Recording(busy.pid, tmp_path / "busy.raw").start()
        time.sleep(2)
        recording.stop()
    finally:
        busy.kill()
        busy.wait()
    summary = recording.summary()
    assert "error" not in summary, summary
    assert summary["samples"] > 50
    top_names = [name for name, _pct in summary["inclusive_pct"][:5]]
    assert any("spin_in_a_named_function" in name for name in top_names), top_names
    assert (tmp_path / "busy.summary.txt").read_text().startswith("py-spy, pid")


def test_a_recording_of_a_process_that_is_gone_reports_why(tmp_path):
    if sampling._py_spy() is None:
        pytest.skip("py-spy is not installed (a dev dependency: make install-dev)")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    recording = sampling.Recording(gone.pid, tmp_path / "gone.raw").start()
    time.sleep(1)
    recording.stop()
    assert "error" in recording.summary()
