"""A classroom's report (from :mod:`loadtest.classroom`) as Markdown: latency per action, memory, errors."""

from __future__ import annotations

import math

from perceptron.web.ui import PLAY_CHUNK, PLAY_FPS

from .classroom import MEMORY_PERIOD


def _ms(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v * 1000:.0f}"


def format_report(r: dict, title: str = "Classroom") -> str:
    lines = [f"### {title}: {r['sessions']} sessions × {r['seconds']:.0f} s",
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


def format_sweep(sw: dict) -> str:
    lines = ["### Sweep: Step latency against the number of sessions", "",
             "| sessions | steps | step p50 ms | step p95 ms | step max ms | × base p50 | errors | isolation | "
             "RSS all open MiB | RSS peak MiB | MiB/session | server CPU % |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = sw["base_p50"]
    for r in sw["results"]:
        st = r["latency"].get("step", {})
        m = r.get("memory") or {}
        ratio = st.get("p50", float("nan")) / base if base else float("nan")
        lines.append(
            f"| {r['sessions']} | {st.get('n', 0)} | {_ms(st.get('p50'))} | {_ms(st.get('p95'))} | "
            f"{_ms(st.get('max'))} | {ratio:.2f} | {len(r['errors'])} | {r['isolation_violations']} | "
            f"{m.get('all_open_mib', float('nan')):.1f} | {m.get('peak_mib', float('nan')):.1f} | "
            f"{m.get('per_session_peak_mib', float('nan')):.2f} | "
            f"{r['server_cpu_pct'] if r.get('server_cpu_pct') is not None else float('nan'):.0f} |")
    lines.append("")
    for factor in (1.5, 2.0):
        n = sw["crossings"][factor]
        lines.append(f"- median Step latency first exceeds {factor:g}× the {sw['base_sessions']}-session median "
                     f"({_ms(base)} ms): " + (f"**at {n} sessions**" if n else "not within the levels tried"))
    lines.append("")
    return "\n".join(lines)
