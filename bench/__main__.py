"""``python -m bench [engine|links|actions|browser|load ...]``: run the parts (all by default), print every row,
write ``bench/results/<date>.json`` and ``.md``."""

from __future__ import annotations

import argparse
import sys
import time
import traceback

from .common import (
    Row,
    busy_between,
    cpu_times,
    environment,
    fmt,
    print_row,
    stats,
    verdict,
    wait_for_quiet,
    write_record,
)

PARTS = ("engine", "links", "actions", "browser", "load", "playground")  # playground: skipped unless given a built one


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("parts", nargs="*", help="engine, links, actions, browser, load, playground (default: all)")
    ap.add_argument("--playground", metavar="DIR", help="a built TensorFlow Playground (its dist) for the "
                    "playground part (or PLAYGROUND_DIR); without one that part is skipped")
    args = ap.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part(s) {unknown}; choose from {', '.join(PARTS)}")
    parts = [p for p in PARTS if p in (args.parts or PARTS)]
    if "playground" in parts:  # CI never builds the Playground: say so and go on without it
        from .playground import SKIPPED, playground_dir

        if playground_dir(args.playground) is None:
            print(SKIPPED, flush=True)
            parts.remove("playground")
            if not parts:
                return 0
    started = time.monotonic()
    env = environment()
    print(f"Neuron Lab benchmark · {env['time']} · {env['cpu_model']} · {env['cores']} cores · Python {env['python']}"
          f" · numpy {env['numpy']} · streamlit {env['streamlit']} · parts: {', '.join(parts)}", flush=True)
    rows: list[Row] = []
    failed_parts = []
    for part in parts:
        print(f"\n=== {part} ===", flush=True)
        t0 = time.monotonic()
        quiet = wait_for_quiet()
        if quiet["busy_before"] is not None and quiet["busy_before"] > 0.35:
            print(f"WARNING: the machine is {quiet['busy_before']:.0%} busy with other work before this part "
                  f"(load average {quiet['loadavg']}); its numbers will include that contention.", flush=True)
        cpu0 = cpu_times()
        try:
            if part == "engine":
                from . import engine

                new = engine.run()
            elif part == "links":
                from . import links

                new = links.run()
            elif part == "actions":
                from . import actions

                new = actions.run()
            elif part == "browser":
                from . import browser

                new = browser.run(env)
            elif part == "playground":
                from . import playground

                new = playground.run(env, args.playground)
            else:
                from . import load

                new = load.run()
        except Exception:  # noqa: BLE001 - one broken part must not lose the others' numbers
            traceback.print_exc()
            failed_parts.append(part)
            continue
        busy = busy_between(cpu0, cpu_times())
        env.setdefault("machine", {})[part] = quiet | {"busy_during": busy}
        print(f"(machine CPU busy during {part}: {busy:.0%} of {env['cores']} cores, ours included; "
              f"before: {quiet['busy_before']:.0%})" if busy is not None else "", flush=True)
        for r in new:
            print_row(r)
        rows += new
        print(f"\n({part}: {time.monotonic() - t0:.0f} s)", flush=True)
    env["failed_parts"] = failed_parts
    jpath, mpath = write_record(rows, env, parts, started)
    print("\n=== summary ===")
    for r in rows:
        s = stats(r.samples)
        print(f"{verdict(r):4}  {r.what[:90]:90}  target {r.target_text:28} measured {fmt(r.measured, r.munit):14}"
              f" (median {fmt(s['median'])} p95 {fmt(s['p95'])} {r.unit})")
    print(f"\nrecord: {jpath}\n        {mpath}")
    return 1 if failed_parts else 0


if __name__ == "__main__":
    sys.exit(main())
