"""A classroom's report (from :mod:`loadtest.classroom`) as Markdown: latency per action, refills and stalls,
the walkthrough's phases, server CPU, memory, errors."""

from __future__ import annotations

import math

from .classroom import MEMORY_PERIOD, percentile
from .watch import WAIT_FUSE


def _ms(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v * 1000:.0f}"


def _pct(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.1f} %"


def headline(r: dict) -> str:
    scenario = r.get("scenario")
    if scenario == "burst":
        return f"{r['sessions']} sessions pressing Play within {r['burst']['spread']:g} s"
    if scenario == "watching":
        return f"{r['sessions']} sessions watching Play {r['watch']:g} s"
    if scenario == "walkthrough":
        return f"{r['sessions']} sessions through the walkthrough (Play watched {r['watch']:g} s)"
    return f"{r['sessions']} sessions × {r['seconds']:.0f} s"


def mix_line(r: dict) -> str:
    """The mixed profile's weights and what its Play does."""
    w = {k: v for k, v in (r.get("weights") or {}).items() if v > 0}
    total = sum(w.values()) or 1
    names = {"step": "Step", "step10": "Step ×10", "play": "Play", "reset": "Reset",
             "visit": "a visit to another page and back", "upload": "upload"}
    play = (f"Play watches {r['play_watch']:g} s with refills, then Pause" if r.get("play_watch")
            else "Play / ~1 s within the first frames / Pause")
    return ("- mix: " + ", ".join(f"{names.get(k, k)} {100 * v / total:.0f} %" for k, v in w.items())
            + f"; {play}; an action every {r.get('think', 1.0):g} s or so (uniform 0.5-1.5 × that) each")


def refill_lines(f: dict, what: str = "") -> list[str]:
    """The refills' answer times, stalls and the frozen time, as the issue counts them."""
    return [
        f"**Refills{what}** (the chart's requests for more frames, `more` with {f['budget_p50']:.2f} s of frames "
        f"left at the median): **{f['n']}**; answer (from the request to the chart with the new frames) "
        f"p50 **{_ms(f['p50'])} ms**, p95 **{_ms(f['p95'])} ms**, max {_ms(f['max'])} ms.",
        "",
        f"- **stalls**: {f['stalls']} of {f['n']} refills (**{_pct(f['stall_fraction'])}**) answered later than the "
        f"frames the browser still had" + (f"; late by p50 {_ms(f['late_p50'])} ms, p95 {_ms(f['late_p95'])} ms, max "
                                           f"{_ms(f['late_max'])} ms" if f["stalls"] else ""),
        f"- **frozen**: {f['frozen_s']:.1f} of {f['watched_s']:.1f} student-seconds watched "
        f"(**{_pct(f['frozen_fraction'])}**) the picture stood on its last frame waiting for more",
        f"- {f['plays']} Plays, {f['past_first_chunk']} paused past their first list of frames; at most "
        f"{f['refills_per_play_max']} refills in one Play; {f['frames_added_mean']:.0f} new frames a refill on average; "
        f"answers without new frames: {f['no_answer']}; final answers (nothing more to come): {f['final']}; "
        f"waits past the chart's {WAIT_FUSE:g} s fuse: {f['fuse']}",
        f"- answers are timed from the moment the browser would have asked; the student's request left after it by "
        f"p95 {_ms(f.get('sent_late_p95'))} ms, max {_ms(f.get('sent_late_max'))} ms (the previous run still finishing, "
        "or the client busy)",
    ]


def format_report(r: dict, title: str = "Classroom") -> str:
    lines = [f"### {title}: {headline(r)}",
             "",
             f"- server: {r['url']} ({r['cpus']} CPUs; load average after the run "
             f"{', '.join(f'{x:.2f}' for x in r['loadavg'])})",
             f"- actions: {r['actions']} finished with script_finished of {r['actions_sent']} sent "
             f"({r['uploads']} uploads, {r.get('visits', 0)} page visits); wall {r['wall']:.1f} s"
             + (f", the students arriving over {r['ramp']:.1f} s" if r["sessions"] > 1 else "")
             + (f"; link ?max_epochs={r['max_epochs']}" if r.get("max_epochs") else ""),
             f"- errors: **{len(r['errors'])}**, of which isolation violations: **{r['isolation_violations']}**;"
             f" stray messages outside an action: {r['stray_messages']} {r.get('stray_kinds') or ''};"
             f" server log problems: {len(r.get('server_log_problems') or [])}",
             ]
    if r.get("scenario", "mixed") == "mixed" and r.get("weights"):
        lines.append(mix_line(r))
    if "played_to_end" in r:
        lines.append(f"- Play/Pause: {r['played_to_end']} of {r['latency'].get('pause', {}).get('n', 0)} Plays ended "
                     "on the last frame the browser had (the Pause came after they ran out, or nothing more was coming)")
    x = r.get("xsrf_check") or {}
    if x:
        lines.append(f"- XSRF: /_stcore/health sets the cookie: {x.get('health_sets_cookie')}; an upload PUT "
                     f"without X-Xsrftoken answers {x.get('put_without_token')}")
    if r.get("server_cpu_pct") is not None:
        lines.append(f"- server CPU: {r['server_cpu_s']:.1f} s over {r['wall']:.1f} s = "
                     f"{r['server_cpu_pct']:.0f} % of one core; load-test client CPU {r['client_cpu_s']:.1f} s; "
                     f"{r['bytes_in'] / 1e6:.1f} MB received")
    if r.get("server_cpu_per_action_ms") is not None:
        lines.append(f"- server CPU per action, every kind together: {r['server_cpu_per_action_ms']:.0f} ms "
                     f"({r['server_cpu_s']:.1f} s / {r['actions']} actions"
                     + (f"; per refill, if refills were all it did: {1000 * r['server_cpu_s'] / r['refills']['n']:.0f} ms"
                        if r.get("scenario") == "watching" and r.get("refills") and r["refills"]["n"] else "") + ")")
    if r.get("burst"):
        lines += ["", *format_burst(r)]
    if r.get("refills"):
        lines += ["", *refill_lines(r["refills"])]
    cpu = r.get("cpu_by_action") or {}
    lines += ["", "| action | n | p50 ms | p95 ms | max ms | mean ms |" + (" server CPU ms (mean) |" if cpu else ""),
              "|---|---:|---:|---:|---:|---:|" + ("---:|" if cpu else "")]
    for a, v in r["latency"].items():
        row = f"| {a} | {v['n']} | {_ms(v['p50'])} | {_ms(v['p95'])} | {_ms(v['max'])} | {_ms(v['mean'])} |"
        if cpu:
            row += f" {_ms(cpu[a]['mean']) if a in cpu else ''} |"
        lines.append(row)
    if cpu:
        lines += ["", "Server CPU per action read around each action (`testing.servers.cpu_seconds`, 10 ms ticks: "
                      "a mean over many actions): one student alone, so the server did nothing else."]
    if r.get("phases"):
        lines += ["", *format_phases(r)]
    m = r.get("memory")
    lines.append("")
    if m:
        lines += [f"| server RSS (PID {m['pid']}) | MiB |", "|---|---:|",
                  f"| start (after one warm-up session) | {m['start_mib']:.1f} |",
                  f"| all sessions open | {m['all_open_mib']:.1f} |",
                  f"| peak (sampled every {MEMORY_PERIOD:g} s, {m['samples']} samples) | {m['peak_mib']:.1f} |",
                  f"| VmHWM (kernel high-water mark) | {m['hwm_mib']:.1f} |",
                  f"| end (clients gone; sessions kept for disconnectedSessionTTL) | {m['end_mib']:.1f} |",
                  f"| per session, at open | {m['per_session_open_mib']:.2f} |",
                  f"| per session, at peak | {m['per_session_peak_mib']:.2f} |", ""]
        if m.get("threads_end"):
            lines.append(f"Server threads at the end: {m['threads_end']}.")
            lines.append("")
    else:
        lines += ["Server memory: not sampled (pass --pid with --url).", ""]
    if r["errors"]:
        lines += ["Errors (first 15):", ""]
        lines += [f"- student {e['student']} [{e['kind']}] {e['text']}" for e in r["errors"][:15]]
        lines.append("")
    if r.get("server_log_problems"):
        lines += ["Server log problems (first 10):", "", "```"] + r["server_log_problems"][:10] + ["```", ""]
    return "\n".join(lines)


def format_phases(r: dict) -> list[str]:
    """The walkthrough, phase by phase: the wall time from the teacher's word to the last student's answer
    (the students start within the phase's spread), and each action's latency."""
    lines = ["**Walkthrough, phase by phase** (wall: from the teacher's word to the last student's answer; "
             "students start at random moments within the spread)", "",
             "| phase | the teacher says | spread s | wall s | action | n | p50 ms | p95 ms | max ms |",
             "|---|---|---:|---:|---|---:|---:|---:|---:|"]
    for name, ph in r["phases"].items():
        wall = f"{ph['wall']:.1f}" if ph.get("wall") is not None else "n/a"
        rows = list(ph["latency"].items()) or [("(none)", None)]
        for i, (a, v) in enumerate(rows):
            head = f"| {name} | {ph['says']} | {ph['spread']:g} | {wall} |" if i == 0 else "| | | | |"
            lines.append(head + (f" {a} | {v['n']} | {_ms(v['p50'])} | {_ms(v['p95'])} | {_ms(v['max'])} |"
                                 if v else " | | | | |"))
    for name, ph in r["phases"].items():
        if ph.get("refills") and ph["refills"]["n"]:
            lines += ["", *refill_lines(ph["refills"], f" in phase {name}")]
    return lines


def burst_figures(r: dict) -> dict:
    """Time to the first frame of every student of a burst (seconds, None when it never came), and its spread."""
    firsts = r["burst"]["first_frame_by_student"]
    got = [v for v in firsts.values() if v is not None]
    return {"firsts": firsts, "n": len(got), "p50": percentile(got, 0.5) if got else None,
            "p95": percentile(got, 0.95) if got else None, "max": max(got, default=None),
            "missing": [k for k, v in firsts.items() if v is None]}


def format_burst(r: dict) -> list[str]:
    """The burst's lines: every student's time from pressing Play to its first frame, and p50/p95/max."""
    b, f = r["burst"], burst_figures(r)
    cpu = b.get("server_cpu_s")
    by = ", ".join(f"{k}: {_ms(v)}" for k, v in sorted(f["firsts"].items(), key=lambda kv: (kv[1] is None, kv[1] or 0)))
    return [
        f"**Burst**: all {r['sessions']} students press Play within {b['spread']:g} s (after every page has "
        f"opened). Time from sending Play to the chart's first frame arriving (the element with the frames; "
        f"the browser starts playing it then): p50 **{_ms(f['p50'])} ms**, p95 **{_ms(f['p95'])} ms**, "
        f"max **{_ms(f['max'])} ms** ({f['n']} of {r['sessions']} students"
        + (f"; none for students {f['missing']}" if f["missing"] else "") + ").",
        "",
        f"- every student's time to the first frame, fastest first (student: ms): {by}",
        f"- server CPU during the burst: {cpu:.1f} s over {b['wall']:.1f} s" if cpu is not None else
        f"- burst wall time: {b['wall']:.1f} s",
        f"- load average before the burst: {', '.join(f'{x:.2f}' for x in b['loadavg_before'])}",
    ]


def format_sweep(sw: dict) -> str:
    profile = sw.get("profile", "mixed")
    lines = [f"### Sweep: latency against the number of sessions (the {profile} profile)", ""]
    base = sw["base_p50"]
    nan = float("nan")
    if profile == "watching":
        lines += ["| sessions | refills | answer p50 ms | p95 ms | max ms | stalls | frozen of watched | "
                  "× base refill p50 | errors | isolation | RSS peak MiB | server CPU % |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    elif profile == "walkthrough":
        lines += ["| sessions | backprop visit p95 ms | step p95 ms | refill p95 ms | stalls | frozen of watched | "
                  "Loss landscape p95 ms | Hidden layer p95 ms | errors | isolation | RSS peak MiB | server CPU % |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    else:
        lines += ["| sessions | actions | step p50 ms | step p95 ms | step ×10 p95 ms | Play first frame p50 / p95 ms | "
                  "Play p95 ms | reset p95 ms | visit p95 ms (all pages) | upload p95 ms | × base step p50 | errors | "
                  "isolation | RSS peak MiB | server CPU % |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sw["results"]:
        lat = r["latency"]
        m = r.get("memory") or {}
        cpu = r["server_cpu_pct"] if r.get("server_cpu_pct") is not None else nan
        tail = (f"{len(r['errors'])} | {r['isolation_violations']} | {m.get('peak_mib', nan):.1f} | {cpu:.0f} |")
        f = r.get("refills") or {}
        if profile == "watching":
            ratio = lat.get("refill", {}).get("p50", nan) / base if base else nan
            lines.append(f"| {r['sessions']} | {f.get('n', 0)} | {_ms(f.get('p50'))} | {_ms(f.get('p95'))} | "
                         f"{_ms(f.get('max'))} | {f.get('stalls', 0)} ({_pct(f.get('stall_fraction'))}) | "
                         f"{_pct(f.get('frozen_fraction'))} | {ratio:.2f} | " + tail)
        elif profile == "walkthrough":
            lines.append(f"| {r['sessions']} | {_ms(lat.get('visit Backpropagation', {}).get('p95'))} | "
                         f"{_ms(lat.get('step', {}).get('p95'))} | {_ms(f.get('p95'))} | "
                         f"{f.get('stalls', 0)} ({_pct(f.get('stall_fraction'))}) | {_pct(f.get('frozen_fraction'))} | "
                         f"{_ms(lat.get('visit Loss landscape', {}).get('p95'))} | "
                         f"{_ms(lat.get('visit Hidden layer', {}).get('p95'))} | " + tail)
        else:
            st, ff = lat.get("step", {}), lat.get("first_frame", {})
            ratio = st.get("p50", nan) / base if base else nan
            visits = [v for a, v in lat.items() if a.startswith("visit ")]
            visit_p95 = max((v["p95"] for v in visits), default=None)
            lines.append(
                f"| {r['sessions']} | {r['actions']} | {_ms(st.get('p50'))} | {_ms(st.get('p95'))} | "
                f"{_ms(lat.get('step10', {}).get('p95'))} | {_ms(ff.get('p50'))} / {_ms(ff.get('p95'))} | "
                f"{_ms(lat.get('play', {}).get('p95'))} | {_ms(lat.get('reset', {}).get('p95'))} | "
                f"{_ms(visit_p95)} | {_ms(lat.get('upload', {}).get('p95'))} | {ratio:.2f} | " + tail)
    lines.append("")
    bursts = [b for b in sw.get("bursts") or [] if b]
    if bursts:
        lines += ["| sessions (burst) | first frame p50 ms | p95 ms | max ms | missing | errors | isolation | "
                  "server CPU s |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in bursts:
            f = burst_figures(r)
            cpu = r["burst"].get("server_cpu_s")
            lines.append(f"| {r['sessions']} | {_ms(f['p50'])} | {_ms(f['p95'])} | {_ms(f['max'])} | "
                         f"{len(f['missing'])} | {len(r['errors'])} | {r['isolation_violations']} | "
                         f"{'n/a' if cpu is None else f'{cpu:.1f}'} |")
        lines.append("")
    if profile != "walkthrough":
        what = sw.get("base_action", "step")
        for factor in (1.5, 2.0):
            n = sw["crossings"][factor]
            lines.append(f"- median {what} latency first exceeds {factor:g}× the {sw['base_sessions']}-session median "
                         f"({_ms(base)} ms): " + (f"**at {n} sessions**" if n else "not within the levels tried"))
        lines.append("")
    return "\n".join(lines)
