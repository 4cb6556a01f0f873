"""A classroom's report (from :mod:`loadtest.classroom`) as Markdown: latency per action, memory, errors."""

from __future__ import annotations

import math

from perceptron.web.playback import PLAY_CHUNK, PLAY_FPS

from .classroom import MEMORY_PERIOD, percentile


def _ms(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v * 1000:.0f}"


def format_report(r: dict, title: str = "Classroom") -> str:
    if r.get("scenario") == "burst":
        head = f"### {title}: {r['sessions']} sessions pressing Play within {r['burst']['spread']:g} s"
    else:
        head = f"### {title}: {r['sessions']} sessions × {r['seconds']:.0f} s"
    lines = [head,
             "",
             f"- server: {r['url']} ({r['cpus']} CPUs; load average after the run "
             f"{', '.join(f'{x:.2f}' for x in r['loadavg'])})",
             f"- actions: {r['actions']} finished with script_finished of {r['actions_sent']} sent "
             f"({r['uploads']} uploads); wall {r['wall']:.1f} s incl. {r['ramp']:.1f} s ramp-up",
             f"- errors: **{len(r['errors'])}**, of which isolation violations: **{r['isolation_violations']}**;"
             f" stray messages outside an action: {r['stray_messages']} {r.get('stray_kinds') or ''};"
             f" server log problems: {len(r.get('server_log_problems') or [])}",
             ]
    if "played_to_end" in r:
        lines.append(f"- Play/Pause: {r['played_to_end']} of {r['latency'].get('pause', {}).get('n', 0)} Pauses came "
                     f"back after the browser would have shown all {PLAY_CHUNK} frames ({PLAY_CHUNK / PLAY_FPS:.0f} s)")
    x = r.get("xsrf_check") or {}
    if x:
        lines.append(f"- XSRF: /_stcore/health sets the cookie: {x.get('health_sets_cookie')}; an upload PUT "
                     f"without X-Xsrftoken answers {x.get('put_without_token')}")
    if r.get("server_cpu_pct") is not None:
        lines.append(f"- server CPU: {r['server_cpu_s']:.1f} s over {r['wall']:.1f} s = "
                     f"{r['server_cpu_pct']:.0f} % of one core; load-test client CPU {r['client_cpu_s']:.1f} s; "
                     f"{r['bytes_in'] / 1e6:.1f} MB received")
    if r.get("burst"):
        lines += ["", *format_burst(r)]
    lines += ["", "| action | n | p50 ms | p95 ms | max ms | mean ms |", "|---|---:|---:|---:|---:|---:|"]
    for a, v in r["latency"].items():
        lines.append(f"| {a} | {v['n']} | {_ms(v['p50'])} | {_ms(v['p95'])} | {_ms(v['max'])} | {_ms(v['mean'])} |")
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
    lines = ["### Sweep: latency against the number of sessions (the mixed profile)", "",
             "| sessions | actions | step p50 ms | step p95 ms | step ×10 p95 ms | Play first frame p50 / p95 ms | "
             "Play p95 ms | reset p95 ms | upload p95 ms | × base step p50 | errors | isolation | "
             "RSS peak MiB | server CPU % |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = sw["base_p50"]
    nan = float("nan")
    for r in sw["results"]:
        lat = r["latency"]
        st, ff = lat.get("step", {}), lat.get("first_frame", {})
        m = r.get("memory") or {}
        ratio = st.get("p50", nan) / base if base else nan
        cpu = r["server_cpu_pct"] if r.get("server_cpu_pct") is not None else nan
        lines.append(
            f"| {r['sessions']} | {r['actions']} | {_ms(st.get('p50'))} | {_ms(st.get('p95'))} | "
            f"{_ms(lat.get('step10', {}).get('p95'))} | {_ms(ff.get('p50'))} / {_ms(ff.get('p95'))} | "
            f"{_ms(lat.get('play', {}).get('p95'))} | {_ms(lat.get('reset', {}).get('p95'))} | "
            f"{_ms(lat.get('upload', {}).get('p95'))} | {ratio:.2f} | {len(r['errors'])} | "
            f"{r['isolation_violations']} | {m.get('peak_mib', nan):.1f} | {cpu:.0f} |")
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
    for factor in (1.5, 2.0):
        n = sw["crossings"][factor]
        lines.append(f"- median Step latency first exceeds {factor:g}× the {sw['base_sessions']}-session median "
                     f"({_ms(base)} ms): " + (f"**at {n} sessions**" if n else "not within the levels tried"))
    lines.append("")
    return "\n".join(lines)
