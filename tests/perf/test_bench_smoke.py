"""The benchmark harness works: a quick run (tiny counts) completes and reports sane figures.

The full benchmark (``make bench``) is not part of the suite: timings on a shared machine are
not pass/fail material. This run proves the harness itself: servers start and stop, every
message of the live socket and of both bare relays arrives exactly once and is in the database,
the pages answer with the rows they should, and a report is written.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_run_writes_a_complete_report(tmp_path):
    completed = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--db", "sqlite", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    reports = sorted(tmp_path.glob("*.json"))
    assert len(reports) == 1 and reports[0].with_suffix(".md").exists()
    report = json.loads(reports[0].read_text())
    scenarios = report["scenarios"]
    assert set(scenarios) == {
        "messaging_memory",
        "pages",
        "history",
        "idle",
        "service_report",
        "reminders",
        "reconnect",
    }
    for name, result in scenarios.items():
        assert "error" not in result, (name, result.get("error"), result.get("log"))

    messaging = scenarios["messaging_memory"]
    for target, figures in messaging["summary"].items():
        assert figures["expected"] == figures["delivered"] > 0, target
        assert figures["lost"] == figures["duplicated"] == figures["unsent"] == 0, target
        assert figures["throughput_per_s"] > 0 and figures["p99_ms"] >= figures["p50_ms"] > 0
    check = messaging["db_check"]
    assert check["ok"] and check["stored"] == check["sent"] > 0, check

    pages = scenarios["pages"]
    for entry in pages["caseload"]:
        size = entry["patients"]
        assert entry["rows_listed"] == {"page": size, "bare_page": size, "api": size}
        assert entry["page"]["queries"] > entry["bare_page"]["queries"] > 0
    assert [e["page"]["status"] for e in pages["dashboard"]] == [200, 200]

    history = scenarios["history"]
    assert history["api_first"]["queries"] == history["api_middle"]["queries"]
    assert history["deep_page_plan"], "the deep page's query plan is recorded"

    service = scenarios["service_report"]["sizes"]
    assert [e["courses"] for e in service] == [20, 60]
    assert len({e["page"]["queries"] for e in service}) == 1
    assert all(e["page"]["status"] == 200 and e["bare_json"]["status"] == 200 for e in service)

    reminders = scenarios["reminders"]
    assert reminders["planned"] == reminders["people"] == 300
    assert 0 < reminders["spread"]["peak_per_minute"] <= reminders["people"]
    assert reminders["spread"]["window_minutes"] <= 30

    (level,) = scenarios["idle"]["levels"]
    assert level["held"] and level["process_rss_mib"] > 0

    storm = scenarios["reconnect"]
    for target in ("bare", "platform"):
        assert storm[target]["resumed"] == storm["sockets"] == 20, storm
        assert storm[target]["cpu_ms_per_connect"] > 0
    assert storm["ratio_cpu_per_connect"] > 0

    names = [t["name"] for t in report["targets"]]
    assert any("reconnect storm" in n for n in names)
    assert any("0 lost, 0 duplicated" in n for n in names)
    assert any("within 3x the bare view" in n for n in names)
    assert any("first page" in n for n in names)
    assert any("service report" in n for n in names)
    markdown = reports[0].with_suffix(".md").read_text()
    assert "## Targets" in markdown and "| platform |" in markdown
