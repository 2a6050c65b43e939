"""Benchmark layerlint against bare ``ast.parse`` of the same files (a script, not a test).

    python benchmarks/bench.py [FOLDER] [--repeat 3] [--skip-flake8] [--ruff PATH]

FOLDER defaults to $LAYERLINT_CORPUS/src or ~/.cache/layerlint-corpus/src (made by
../shared/corpus/fetch.sh). Every measurement is a fresh process, timed by wall
clock; the best of ``--repeat`` runs is kept (the machine may be shared). Prints:

- files, lines, cores, Python, load average;
- bare ``ast.parse`` of the same files (read + parse, file after file, in a fresh
  interpreter), the reference every ratio is taken to; and the same loop with
  the cyclic GC paused, for comparison;
- ``layerlint check --jobs 1 --no-cache``, ``--no-cache`` (default jobs: one per
  core) and a warm cache (nothing changed since the previous run), all rules
  selected (opt-in ones too). The reference and ``--jobs 1`` run in turn, and the
  ratio of each such pair is printed with their median: a machine whose speed
  drifts over minutes skews the ratio of two best times more than it skews that;
- ``flake8 --select=E9`` and ``flake8 --select=E9,LL`` (default flake8 jobs);
- optionally ``ruff check`` (default rules) cold and with its warm cache, and
  ``ruff check --select E9`` warm;
- peak memory (max RSS) of the single process run and of each worker;
- the targets of issue 7, met or missed.

The cache goes to a temporary folder (LAYERLINT_CACHE_DIR), never into FOLDER.
The layerlint package is byte-compiled first (a real install has its bytecode,
and this machine may set PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

PARSE_LOOP = r"""
import ast, gc, sys
if sys.argv[2] == "off":
    gc.disable()
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
"""


def default_folder() -> Path:
    base = os.environ.get("LAYERLINT_CORPUS") or os.path.expanduser("~/.cache/layerlint-corpus")
    return Path(base) / "src"


def _cpu_times() -> tuple[int, int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)  # total, idle + iowait


def wait_idle(wanted: float, timeout: float) -> float:
    """Wait until the machine's CPUs were at least ``wanted`` idle over one second
    (Linux only; elsewhere, or after ``timeout`` seconds, go on). Returns the idle share seen."""
    deadline = time.monotonic() + timeout
    while True:
        before = _cpu_times()
        time.sleep(1.0)
        after = _cpu_times()
        if before is None or after is None:
            return 1.0
        total = after[0] - before[0]
        idle = (after[1] - before[1]) / total if total else 1.0
        if idle >= wanted or time.monotonic() > deadline:
            return idle


IDLE = {"wanted": 0.0, "timeout": 0.0}


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds (user + system, workers included), max RSS in KiB of
    the process or its largest reaped child)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr.decode(errors='replace')[-2000:]}")
    rss = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    return elapsed, usage.ru_utime + usage.ru_stime, rss


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    if IDLE["wanted"]:
        wait_idle(IDLE["wanted"], IDLE["timeout"])
    return run(cmd, env, cwd)


def summary(label: str, runs: list[tuple[float, float, int]]) -> dict:
    times = [elapsed for elapsed, _, _ in runs]
    cpus = [cpu for _, cpu, _ in runs]
    result = {"label": label, "best": min(times), "all": times, "cpu": min(cpus), "all_cpu": cpus,
              "rss_kib": max(peak for _, _, peak in runs)}
    print(
        f"  {label:<44} {min(times):8.2f} s  cpu {min(cpus):6.2f} s  load {os.getloadavg()[0]:4.1f}"
        f"   (runs: {', '.join(f'{t:.2f}' for t in times)})",
        flush=True,
    )
    return result


def best(label: str, cmd: list[str], env: dict[str, str], cwd: Path, repeat: int) -> dict:
    return summary(label, [measure(cmd, env, cwd) for _ in range(repeat)])


def alternating(
    first: tuple[str, list[str]], second: tuple[str, list[str]], env: dict[str, str], cwd: Path, repeat: int
) -> tuple[dict, dict]:
    """Both commands ``repeat`` times, one after the other in turn: each run of ``second``
    meets about the same machine as the run of ``first`` before it, so the ratios of the
    pairs drift less than the ratio of two best times taken minutes apart."""
    runs: tuple[list, list] = ([], [])
    for _ in range(repeat):
        runs[0].append(measure(first[1], env, cwd))
        runs[1].append(measure(second[1], env, cwd))
    return summary(first[0], runs[0]), summary(second[0], runs[1])


def pair_ratios(numerator: dict, denominator: dict, key: str = "all") -> list[float]:
    return [a / b for a, b in zip(numerator[key], denominator[key])]


def worker_stats(path: Path) -> dict[int, int]:
    peaks: dict[int, int] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            pid, rss, _ = line.split()
            peaks[int(pid)] = max(peaks.get(int(pid), 0), int(rss))
        path.unlink()
    return peaks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=default_folder())
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--flake8-repeat", type=int, default=2)
    parser.add_argument("--skip-flake8", action="store_true")
    parser.add_argument("--ruff", help="path of a ruff binary to compare with (default: ruff on PATH, if any)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--idle", type=float, default=0.0, metavar="SHARE",
                        help="before each run, wait until the CPUs were this idle over a second (e.g. 0.9)")
    parser.add_argument("--idle-timeout", type=float, default=120.0, help="seconds to wait for --idle at most")
    args = parser.parse_args()
    IDLE.update(wanted=args.idle, timeout=args.idle_timeout)
    folder = args.folder.resolve()
    if not folder.is_dir():
        print(f"no folder {folder}: run ../shared/corpus/fetch.sh first", file=sys.stderr)
        return 2

    from layerlint.parallel import default_jobs
    from layerlint.registry import all_codes
    from layerlint.runner import Overrides, discover

    compileall.compile_dir(str(SRC / "layerlint"), quiet=1)
    every_code = ",".join(all_codes())
    files = discover([str(folder)], Overrides(select=tuple(all_codes()))).files
    lines = 0
    for path in files:
        with open(path, "rb") as fh:
            lines += fh.read().count(b"\n")
    work = Path(tempfile.mkdtemp(prefix="layerlint-bench-"))
    file_list = work / "files.txt"
    file_list.write_text("\n".join(os.path.abspath(p) for p in files), encoding="utf-8")
    stats = work / "workers.txt"
    env = dict(os.environ, PYTHONPATH=str(SRC), LAYERLINT_CACHE_DIR=str(work / "cache"))
    env["LAYERLINT_WORKER_STATS"] = str(stats)
    py = sys.executable
    cli = [py, "-m", "layerlint.cli", "check", "--exit-zero", "--select", every_code, str(folder)]

    print(f"folder: {folder}")
    print(f"files: {len(files)}  lines: {lines:,}  cores: {default_jobs()}  "
          f"Python {platform.python_version()}  load average: {os.getloadavg()[0]:.2f}")
    print("measure (best of runs: wall clock; CPU = user + system of the process and its workers;")
    print("         load = 1-minute load average after the runs, other work on the machine skews wall times):")
    r = args.repeat
    # the reference and the single-process run in turn (their ratio is the tightest target)
    parse, one = alternating(
        ("bare ast.parse (reference)", [py, "-c", PARSE_LOOP, str(file_list), "on"]),
        ("layerlint --jobs 1 --no-cache", cli + ["--jobs", "1", "--no-cache"]),
        env, work, r,
    )
    parse_off = best("bare ast.parse, GC paused", [py, "-c", PARSE_LOOP, str(file_list), "off"], env, work, r)
    worker_stats(stats)
    many = best(f"layerlint --no-cache (jobs={default_jobs()})", cli + ["--no-cache"], env, work, r)
    workers = worker_stats(stats)
    run(cli, env, work)  # fill the cache
    warm = best("layerlint, warm cache", cli, env, work, r)
    results = {"files": len(files), "lines": lines, "parse": parse, "parse_gc_paused": parse_off,
               "jobs1": one, "jobs_default": many, "warm": warm, "workers_rss_kib": workers}

    if not args.skip_flake8:
        fr = args.flake8_repeat
        flake8 = [py, "-m", "flake8", "--exit-zero", str(folder)]
        results["flake8"] = best("flake8 --select=E9", flake8[:3] + ["--select=E9"] + flake8[3:], env, work, fr)
        results["flake8_ll"] = best("flake8 --select=E9,LL", flake8[:3] + ["--select=E9,LL"] + flake8[3:], env, work, fr)
    ruff = args.ruff or shutil.which("ruff")
    if ruff:
        # ruff's default rules (its warm run replays and prints their findings), and E9 alone
        # (syntax errors: next to nothing to report, the fastest a warm ruff gets)
        ruff_cmd = [ruff, "check", "--exit-zero", "--quiet", str(folder)]
        results["ruff_cold"] = best("ruff check --no-cache (default rules)", ruff_cmd + ["--no-cache"], env, work, r)
        run(ruff_cmd, env, work)
        results["ruff_warm"] = best("ruff check, warm cache (default rules)", ruff_cmd, env, work, r)
        e9 = ruff_cmd + ["--select", "E9"]
        run(e9, env, work)
        results["ruff_e9_warm"] = best("ruff check --select E9, warm cache", e9, env, work, r)

    base = parse["best"]
    print("\nratios to bare ast.parse (wall clock; CPU time in brackets):")
    for key in ("parse_gc_paused", "jobs1", "jobs_default", "warm", "flake8", "flake8_ll", "ruff_cold", "ruff_warm",
                "ruff_e9_warm"):
        if key in results:
            print(f"  {results[key]['label']:<44} {results[key]['best'] / base:6.2f}x"
                  f"   [{results[key]['cpu'] / parse['cpu']:6.2f}x]")
    ratios = pair_ratios(one, parse)
    cpu_ratios = pair_ratios(one, parse, "all_cpu")
    print(f"  {one['label']}, run by run after the reference run before it: "
          f"{', '.join(f'{x:.2f}x' for x in ratios)}; median {statistics.median(ratios):.2f}x "
          f"[CPU: median {statistics.median(cpu_ratios):.2f}x]")
    print("\npeak memory:")
    print(f"  --jobs 1 process: {one['rss_kib'] / 1024:.0f} MB")
    if workers:
        print(f"  per worker ({len(workers)} worker processes over {args.repeat} runs): "
              f"max {max(workers.values()) / 1024:.0f} MB, min {min(workers.values()) / 1024:.0f} MB")

    print("\ntargets (issue 7):")
    checks = [
        ("--jobs 1 --no-cache <= 1.5x ast.parse", one["best"] / base, one["best"] / base <= 1.5),
        ("  (the same in CPU time)", one["cpu"] / parse["cpu"], one["cpu"] / parse["cpu"] <= 1.5),
        ("  (the median ratio of runs made in turn)", statistics.median(ratios), statistics.median(ratios) <= 1.5),
        ("default jobs >= 1.7x faster than --jobs 1", one["best"] / many["best"], one["best"] / many["best"] >= 1.7),
        ("  (CPU time of default jobs / --jobs 1: the cost of the pool)", many["cpu"] / one["cpu"], True),
        ("warm cache <= 5% of --jobs 1 cold", warm["best"] / one["best"], warm["best"] / one["best"] <= 0.05),
        ("peak memory per worker < 200 MB (MB)", max([one["rss_kib"], *workers.values()]) / 1024,
         max([one["rss_kib"], *workers.values()]) < 200 * 1024),
    ]
    if "flake8" in results:
        ratio = results["flake8_ll"]["best"] / results["flake8"]["best"]
        checks.append(("flake8 with plugin <= 1.10x without", ratio, ratio <= 1.10))
        ratio = results["flake8_ll"]["cpu"] / results["flake8"]["cpu"]
        checks.append(("  (the same in CPU time, steadier on a busy machine)", ratio, ratio <= 1.10))
    if "ruff_warm" in results:
        ratio = warm["best"] / results["ruff_warm"]["best"]
        checks.append(("warm cache faster than ruff's warm cache, default rules (ratio)", ratio, ratio < 1.0))
        ratio = warm["best"] / results["ruff_e9_warm"]["best"]
        checks.append(("  (not a target) ... than ruff --select E9 warm (ratio)", ratio, ratio < 1.0))
    for label, value, ok in checks:
        print(f"  {'met ' if ok else 'MISS'}  {label}: {value:.3f}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
