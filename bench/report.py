"""Targets (pass/fail lines) and the Markdown summary of a bench report."""

from __future__ import annotations


def _line(name: str, ok: bool, measured: str) -> dict:
    return {"name": name, "ok": bool(ok), "measured": measured}


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def targets(report: dict) -> list[dict]:
    lines = []
    scenarios = report["scenarios"]
    for key, label in (
        ("messaging_memory", "in-memory, 1 process"),
        ("messaging_redis", "Redis pub/sub, 2 processes"),
    ):
        m = scenarios.get(key)
        if not m or "error" in m:
            if m:
                lines.append(_line(f"messaging ({label}) ran", False, m["error"]))
            continue
        s = m["summary"]
        p, f = s["platform"], s["channels_relay_persisted"]
        thr = _ratio(p["throughput_per_s"], f["throughput_per_s"])
        cpu = _ratio(p.get("server_cpu_ms_per_message"), f.get("server_cpu_ms_per_message"))
        p99 = _ratio(p["p99_ms"], f["p99_ms"])
        lines.append(
            _line(
                f"messaging ({label}): throughput >= 0.8x the persisted floor",
                thr is not None and thr >= 0.8,
                f"{thr}x ({p['throughput_per_s']}/s vs {f['throughput_per_s']}/s)",
            )
        )
        lines.append(
            _line(
                f"messaging ({label}): server CPU per message <= 2x the persisted floor's",
                cpu is not None and cpu <= 2,
                f"{cpu}x ({p.get('server_cpu_ms_per_message')} ms vs "
                f"{f.get('server_cpu_ms_per_message')} ms)",
            )
        )
        lines.append(
            _line(
                f"messaging ({label}): p99 <= 1.5x the persisted floor's",
                p99 is not None and p99 <= 1.5,
                f"{p99}x ({p['p99_ms']} ms vs {f['p99_ms']} ms)",
            )
        )
        bad = {t: (v["lost"], v["duplicated"], v["unsent"]) for t, v in s.items()}
        clean = all(v == (0, 0, 0) for v in bad.values()) and m["db_check"]["ok"]
        lines.append(
            _line(
                f"messaging ({label}): 0 lost, 0 duplicated (every target; platform checked against the database)",
                clean,
                "lost/duplicated/unsent "
                + ", ".join(f"{t} {v[0]}/{v[1]}/{v[2]}" for t, v in bad.items())
                + f"; database check {'ok' if m['db_check']['ok'] else m['db_check']}",
            )
        )
    pages = scenarios.get("pages")
    if pages and "error" not in pages:
        cl = pages["caseload"]
        for key, label in (("page", "caseload page"), ("api", "caseload API")):
            counts = [e[key]["queries"] for e in cl]
            sizes = [e["patients"] for e in cl]
            lines.append(
                _line(
                    f"{label}: same query count at {', '.join(map(str, sizes))} patients",
                    len(set(counts)) == 1,
                    f"queries {counts}",
                )
            )
        last = cl[-1]
        for key, bare, label in (
            ("page", "bare_page", "caseload page"),
            ("api", "bare_json", "caseload API"),
        ):
            ratio = last[f"ratio_{key}"]
            lines.append(
                _line(
                    f"{label} at {last['patients']} patients within 3x the bare view",
                    ratio <= 3,
                    f"{ratio}x ({last[key]['median_ms']} ms vs {last[bare]['median_ms']} ms)",
                )
            )
            same = last.get(f"ratio_{key}_same_rows")
            if same is not None:
                rows = last.get("rows_listed", {}).get(key)
                lines.append(
                    _line(
                        f"{label} at {last['patients']} patients within 2x the bare view "
                        f"cut to the same {rows} rows",
                        same <= 2,
                        f"{same}x ({last[key]['median_ms']} ms vs "
                        f"{last[bare + '_same_rows']['median_ms']} ms)",
                    )
                )
        db = pages["dashboard"]
        counts = [e["page"]["queries"] for e in db]
        lines.append(
            _line(
                f"dashboard: the same query count at {', '.join(str(e['messages_and_scores']) for e in db)} messages and scores, at most 10",
                len(set(counts)) == 1 and max(counts) <= 10,
                f"queries {counts}",
            )
        )
        ratios = [e["ratio_page"] for e in db]
        lines.append(
            _line(
                "dashboard: within 2x its bare view",
                max(ratios) <= 2,
                f"{ratios}x ({[e['page']['median_ms'] for e in db]} ms vs "
                f"{[e['bare_page']['median_ms'] for e in db]} ms)",
            )
        )
    elif pages:
        lines.append(_line("pages ran", False, pages["error"]))
    hist = scenarios.get("history")
    if hist and "error" not in hist:
        for key, label in (("ratio_api_middle", "middle"), ("ratio_api_oldest", "oldest")):
            lines.append(
                _line(
                    f"history ({hist['messages']} messages): {label} page costs <= 1.5x the first page (API)",
                    hist[key] <= 1.5,
                    f"{hist[key]}x",
                )
            )
    elif hist:
        lines.append(_line("history ran", False, hist["error"]))
    service = scenarios.get("service_report")
    if service and "error" not in service:
        sizes = service["sizes"]
        counts = [e["page"]["queries"] for e in sizes]
        lines.append(
            _line(
                f"service report: same query count at {', '.join(str(e['courses']) for e in sizes)} courses",
                len(set(counts)) == 1,
                f"queries {counts}; time vs the bare aggregate {[e['ratio_page'] for e in sizes]}x "
                f"({sizes[-1]['page']['median_ms']} ms vs {sizes[-1]['bare_json']['median_ms']} ms "
                f"at {sizes[-1]['courses']})",
            )
        )
    elif service:
        lines.append(_line("service report ran", False, service["error"]))
    reminders = scenarios.get("reminders")
    if reminders and "error" not in reminders:
        spread = reminders["spread"]
        lines.append(
            _line(
                f"reminders: {reminders['people']} people at one morning time are spread, "
                "no minute above twice the mean",
                spread["peak_per_minute"] <= 2 * spread["mean_per_minute"],
                f"{spread['window_minutes']} min window, peak {spread['peak_per_minute']}/min "
                f"({spread['peak_per_second']}/s), mean {spread['mean_per_minute']}/min; "
                f"planned in {reminders['plan_seconds']} s",
            )
        )
        send = reminders.get("send")
        if send:
            lines.append(
                _line(
                    "reminders: two workers send faster than the planned peak arrives",
                    reminders["headroom_two_workers"] >= 1,
                    f"1 worker {send['workers_1']['per_second']}/s, 2 workers "
                    f"{send['workers_2']['per_second']}/s (bare floor {send['bare_1']['per_second']}/s"
                    f" and {send['bare_2']['per_second']}/s: {send['ratio_1']}x and "
                    f"{send['ratio_2']}x); headroom {reminders['headroom_two_workers']}x the peak; "
                    f"all sent {reminders['time_to_send_all_minutes']} min after the chosen time",
                )
            )
    elif reminders:
        lines.append(_line("reminders ran", False, reminders["error"]))
    idle = scenarios.get("idle")
    if idle and "error" not in idle:
        for level in idle["levels"]:
            lines.append(
                _line(
                    f"idle: one Daphne process holds {level['sockets']} idle authenticated live sockets",
                    level.get("held"),
                    (
                        f"RSS {level.get('process_rss_mib')} MiB, {level.get('kib_per_socket')} KiB/socket, "
                        f"idle CPU {level.get('cpu_percent_idle')} %, pongs {level.get('pong_sample')}, "
                        f"handshakes failed {level.get('failed_first_attempt')} "
                        f"(after one retry {level.get('failed_after_retry', 0)})"
                    )
                    if "error" not in level
                    else level["error"],
                )
            )
    elif idle:
        lines.append(_line("idle ran", False, idle["error"]))
    lat = scenarios.get("latency")
    if lat and "error" not in lat:
        live, floor = lat["platform"], lat["channels_relay_persisted"]
        lines.append(
            _line(
                f"open loop ({lat['rate_per_s']} messages/s over {2 * lat['pairs']} sockets, two "
                "processes, Redis): p50 and p99 within 1.5x the persisted floor's, nothing lost",
                lat["ratio_p50"] is not None
                and lat["ratio_p99"] is not None
                and lat["ratio_p50"] <= 1.5
                and lat["ratio_p99"] <= 1.5
                and live["lost"] == live["duplicated"] == 0,
                f"p50 {lat['ratio_p50']}x ({live['latency_ms']['p50']} vs "
                f"{floor['latency_ms']['p50']} ms), p99 {lat['ratio_p99']}x "
                f"({live['latency_ms']['p99']} vs {floor['latency_ms']['p99']} ms); "
                f"lost/duplicated {live['lost']}/{live['duplicated']} "
                f"(floor {floor['lost']}/{floor['duplicated']})",
            )
        )
    elif lat:
        lines.append(_line("latency ran", False, lat["error"]))
    cl = scenarios.get("cluster")
    if cl and "error" not in cl:
        live, floor = cl["platform"], cl["channels_relay_persisted"]
        lines.append(
            _line(
                "cluster (3 Daphne behind HAProxy, Redis): 0 lost, 0 duplicated, database check",
                live["lost"] == live["duplicated"] == live["unsent"] == 0 and cl["db_check"]["ok"],
                f"{live['delivered']} delivered of {live['sent']}; throughput {cl['ratio_throughput']}x "
                f"the persisted floor through the proxy ({live['throughput_per_s']}/s vs "
                f"{floor['throughput_per_s']}/s), p99 {live['latency_ms']['p99']} vs "
                f"{floor['latency_ms']['p99']} ms, CPU {live['server_cpu_ms_per_message']} vs "
                f"{floor['server_cpu_ms_per_message']} ms per message",
            )
        )
    elif cl:
        lines.append(_line("cluster ran", False, cl["error"]))
    storm = scenarios.get("reconnect")
    if storm and "error" not in storm:
        bare, live = storm["bare"], storm["platform"]
        lines.append(
            _line(
                f"reconnect storm ({storm['sockets']} sockets resume on one process): CPU per "
                "authenticated connect <= 2x the bare authenticated socket's",
                storm["ratio_cpu_per_connect"] is not None and storm["ratio_cpu_per_connect"] <= 2,
                f"{storm['ratio_cpu_per_connect']}x ({live['cpu_ms_per_connect']} ms vs "
                f"{bare['cpu_ms_per_connect']} ms)",
            )
        )
        lines.append(
            _line(
                "reconnect storm: all resumed within 1.5x the bare socket's time",
                live["failed"] == 0
                and storm["ratio_seconds"] is not None
                and storm["ratio_seconds"] <= 1.5,
                f"{storm['ratio_seconds']}x ({live['seconds']} s vs {bare['seconds']} s); "
                f"resumed {live['resumed']}/{storm['sockets']} (bare {bare['resumed']}), "
                f"retried {live['retried']} (bare {bare['retried']})",
            )
        )
    elif storm:
        lines.append(_line("reconnect ran", False, storm["error"]))
    return lines


def _fmt(v) -> str:
    return "-" if v is None else str(v)


def markdown(report: dict) -> str:
    m = report["machine"]
    out = [
        f"# Benchmark report {report['started_at']}",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, {m['network']}; "
        f"load average {m['load_average']} at start, {m.get('load_average_at_end')} at end "
        f"(shared machine: other work ran at the same time). Python {m['python']}. "
        f"Database: {report['database']}."
        + (" QUICK RUN (tiny counts)." if report["quick"] else ""),
        "",
        "## Targets",
        "",
    ]
    for line in report["targets"]:
        out.append(f"- **{'PASS' if line['ok'] else 'FAIL'}** {line['name']}: {line['measured']}")
    for name, why in report.get("skipped", {}).items():
        out.append(f"- **SKIPPED** {name}: {why}")
    s = report["scenarios"]
    for key in ("messaging_memory", "messaging_redis"):
        r = s.get(key)
        if not r or "error" in r:
            continue
        p = report["parameters"]
        out += [
            "",
            f"## Messaging: {r['layer']} layer, {r['processes']} Daphne process(es), {r['database']}",
            "",
            f"{p['pairs']} patient/clinician pairs, {p['messages']} messages per socket, "
            f"window {p['window']} in flight per sender, {p['rounds']} round(s) (medians shown).",
            "",
            "| target | msgs/s | p50 ms | p99 ms | lost | dup | server CPU ms/msg | throughput vs persisted floor |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        base = r["summary"]["channels_relay_persisted"]["throughput_per_s"]
        for t, v in r["summary"].items():
            out.append(
                f"| {t} | {_fmt(v['throughput_per_s'])} | {_fmt(v['p50_ms'])} | {_fmt(v['p99_ms'])} | "
                f"{v['lost']} | {v['duplicated']} | {v['server_cpu_ms_per_message']} | "
                f"{_fmt(_ratio(v['throughput_per_s'], base))}x |"
            )
        out.append("")
        out.append(f"Database check: {r['db_check']}")
        spy = r.get("daphne_profile")
        if spy:
            out += ["", "Sampling profile of the (first) Daphne process under the platform's load:"]
            if "error" in spy:
                out.append(f"not recorded: {spy['error']}")
            else:
                out += [
                    f"{spy['samples']} samples (py-spy, every thread, waiting included; "
                    f"`{spy['text']}`). Largest inclusive shares:",
                    "",
                    "```",
                    *(f"{pct:5.1f}% {name}" for name, pct in spy["inclusive_pct"][:30]),
                    "```",
                ]
    pages = s.get("pages")
    if pages and "error" not in pages:
        out += [
            "",
            f"## Caseload ({pages['database']})",
            "",
            "| patients | page ms | queries | bare page ms | ratio | API ms | queries | bare JSON ms | ratio |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for e in pages["caseload"]:
            out.append(
                f"| {e['patients']} | {e['page']['median_ms']} | {e['page']['queries']} | "
                f"{e['bare_page']['median_ms']} | {e['ratio_page']}x | {e['api']['median_ms']} | "
                f"{e['api']['queries']} | {e['bare_json']['median_ms']} | {e['ratio_api']}x |"
            )
        out += [
            "",
            "## Patient dashboard",
            "",
            "| messages and scores | page ms | queries | bare ms | bare queries | ratio |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for e in pages["dashboard"]:
            out.append(
                f"| {e['messages_and_scores']} | {e['page']['median_ms']} | {e['page']['queries']} | "
                f"{e['bare_page']['median_ms']} | {e['bare_page']['queries']} | {e['ratio_page']}x |"
            )
        if pages.get("profile"):
            pr = pages["profile"]
            out += [
                "",
                f"## Profile: {pr['path']} at {pr['size']} ({pr['median_ms']} ms median)",
                "",
                "```",
                *pr["head"],
                "```",
            ]
    hist = s.get("history")
    if hist and "error" not in hist:
        out += [
            "",
            f"## Message history: {hist['messages']} messages in one thread ({hist['database']})",
            "",
            "| request | median ms | queries |",
            "| --- | --- | --- |",
        ]
        for key in (
            "api_first",
            "api_middle",
            "api_oldest",
            "api_catch_up_middle",
            "page_first",
            "page_middle",
            "page_oldest",
        ):
            out.append(f"| {key} | {hist[key]['median_ms']} | {hist[key]['queries']} |")
        out.append("")
        out.append(f"Deep page plan: {hist.get('deep_page_plan')}")
    idle = s.get("idle")
    if idle and "error" not in idle:
        out += [
            "",
            "## Idle live sockets (one Daphne process)",
            "",
            f"Before: RSS {idle['process_rss_mib_before']} MiB, idle CPU {idle['cpu_percent_idle_no_sockets']} %.",
            "",
            "| sockets | held | connect s | connect CPU ms/socket | RSS MiB | KiB/socket | idle CPU % | fds |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for e in idle["levels"]:
            out.append(
                f"| {e['sockets']} | {e.get('held')} | {_fmt(e.get('connect_seconds'))} | "
                f"{_fmt(e.get('connect_cpu_ms_per_socket'))} | {_fmt(e.get('process_rss_mib'))} | "
                f"{_fmt(e.get('kib_per_socket'))} | {_fmt(e.get('cpu_percent_idle'))} | {_fmt(e.get('open_fds'))} |"
            )
    for name, r in s.items():
        if "error" in r:
            out += [
                "",
                f"## {name}: FAILED",
                "",
                f"{r['error']}",
                "",
                "```",
                r.get("log", "")[-1500:],
                "```",
            ]
    out.append("")
    return "\n".join(out)
