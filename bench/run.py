"""Run every bench/bench_*.py script (or the ones named) and rewrite their sections of BENCHMARKS.md.

Sections of scripts that did not run this time are kept as they were, each
with the date of its own run.

Each script prints one JSON object on its last line of output:
{"title": str, "columns": [str, ...], "rows": [[...], ...], "notes": [str, ...], "targets": {...}}
"targets" (optional) holds the issue-15 targets the script measured (bench/targets.py); the
first section of BENCHMARKS.md lists every target, with the run that last measured it.
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import targets

ROOT = Path(__file__).resolve().parent.parent
# Sections an older script wrote under a title it no longer uses, before sections named their
# script: dropped, not kept stale (a section naming its script goes whenever that script runs).
RETIRED_TITLES = {"Emotion: local backend, face-api vs its fer fallback"}
# Scripts whose targets' baseline is the code before the change, not an alternative in the same
# process: run.py measures them twice, on the code at BENCH_BASELINE_REF (a worktree it makes) and on
# this checkout, in alternating order, and fills the baseline column from the first.
BASELINE_SCRIPTS = {"bench_capture", "bench_load"}
# The last commit before issue 15's capture-path work: what "before" means in the targets table.
BASELINE_REF = os.environ.get("BENCH_BASELINE_REF", "6196d7b")
BASELINE_ROUNDS = int(os.environ.get("BENCH_BASELINE_ROUNDS", "1"))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}")


def run(script: Path, code: Path | None = None) -> dict:
    """One script's report; code: the tree to measure with it (bench/common.py's BENCH_CODE), else this one."""
    print(f"== {script.name}" + (f" on {code}" if code else ""), flush=True)
    env = {**os.environ, **({"BENCH_CODE": str(code)} if code else {})}
    # The measured tree is also the working directory: Celery (and Python's -c / -m) put it first on sys.path,
    # so a baseline run must not import this checkout's modules beside the old code.
    result = subprocess.run([sys.executable, str(script)], cwd=code or ROOT, env=env, capture_output=True, text=True,
                            check=False)
    sys.stderr.write(result.stderr[-4000:])
    if result.returncode != 0:
        return {"title": script.stem, "columns": ["error"], "rows": [[f"exit {result.returncode}"]], "notes": []}
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def baseline_tree():
    """A detached worktree of BASELINE_REF beside this checkout's node_modules, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="cloudscendo-baseline-")) / "code"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(folder), BASELINE_REF], cwd=ROOT, check=True)
    try:
        if (ROOT / "node_modules").exists():
            (folder / "node_modules").symlink_to((ROOT / "node_modules").resolve())
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)
        folder.parent.rmdir()


def run_against_baseline(script: Path, tree: Path) -> dict:
    """The script on the baseline's code and on ours, in turns (the first to go alternates each round);
    ours' report, with each target's baseline the median round's measurement on the baseline's code."""
    ours, before = [], []
    for round_ in range(BASELINE_ROUNDS):
        turns = [(before, tree), (ours, None)]
        for reports, code in turns if round_ % 2 == 0 else turns[::-1]:
            reports.append(run(script, code))
    report = ours[len(ours) // 2]
    base = before[len(before) // 2]
    for key, found in report.get("targets", {}).items():
        found["baseline"] = base.get("targets", {}).get(key, {}).get("measured", "not measured (the script failed)")
    report.setdefault("notes", []).append(
        f"Baseline: the same script run on the code at commit {BASELINE_REF} (BENCH_BASELINE_REF), in turns with "
        f"this checkout ({BASELINE_ROUNDS} round(s) each); the targets table's baseline column shows its figures.")
    return report


def table(report: dict, when: str) -> list[str]:
    by = f", by `bench/{report['script']}.py`" if report.get("script") else ""
    lines = [f"## {report['title']}", "", f"Run: {when} on {machine()}{by}.", "",
             "| " + " | ".join(report["columns"]) + " |", "|" + "---|" * len(report["columns"])]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in report["rows"]]
    return [*lines, "", *(f"- {note}" for note in report.get("notes", [])), ""]


def kept_sections(path: Path) -> dict[str, list[str]]:
    """The existing file's sections, by title, so a partial run keeps the others."""
    sections: dict[str, list[str]] = {}
    title = None
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if line.startswith("## "):
            title = line[3:]
            sections[title] = []
        if title:
            sections[title].append(line)
    return sections


def written_by(title: str, lines: list[str]) -> str | None:
    """The script that wrote a section: named on its Run line (or, for a failed run's section, its title)."""
    if title.startswith("bench_"):
        return title
    found = re.search(r"by `bench/(\w+)\.py`", "\n".join(lines[:4]))
    return found[1] if found else None


def kept_targets(section: list[str]) -> tuple[dict[str, dict], dict[str, str]]:
    """The targets an earlier run measured (its table rows, by target), so a partial run keeps them."""
    by_text = {text: key for key, (text, _) in targets.TARGETS.items()}
    measured, sources = {}, {}
    for line in section:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == len(targets.COLUMNS) and cells[0] in by_text and cells[1] != "not measured":
            key = by_text[cells[0]]
            measured[key] = {"measured": cells[1], "baseline": cells[2], "met": cells[4] == "yes", "why": cells[5]}
            sources[key] = cells[6]
    return measured, sources


def targets_section(reports: list[dict], old: list[str], now: str) -> list[str]:
    measured, sources = kept_targets(old)
    for report in reports:
        for key, found in report.get("targets", {}).items():
            measured[key], sources[key] = found, f"{report['script']}, {now}"
    report = {"title": targets.TITLE, "columns": targets.COLUMNS, "rows": targets.rows(measured, sources),
              "notes": ["CPU time is time.process_time() of the measuring process (a database server's own CPU is "
                        "not in it: PostgreSQL's rows say so); wall time is given beside it. The machine (2 cores) is "
                        "shared with other busy processes while these run: ours and the baseline take turns in "
                        "the same process (interleaved rounds), figures are medians, and ratios between the two "
                        "are steadier than either figure.",
                        "Django runs with DEBUG off in every bench (no debug cursor recording queries)."]}
    return table(report, now)


def main() -> None:
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    only = sys.argv[1:]
    chosen = [script for script in scripts if not only or script.stem in only]
    reports = [run(script) | {"script": script.stem} for script in chosen if script.stem not in BASELINE_SCRIPTS]
    if against := [script for script in chosen if script.stem in BASELINE_SCRIPTS]:
        with baseline_tree() as tree:
            reports += [run_against_baseline(script, tree) | {"script": script.stem} for script in against]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    path = ROOT / "BENCHMARKS.md"
    old = kept_sections(path)
    sections = {targets.TITLE: targets_section(reports, old.get(targets.TITLE, []), now)}
    ran = {report["script"] for report in reports}
    sections |= {title: lines for title, lines in old.items()
                 if title not in {targets.TITLE, *RETIRED_TITLES} and written_by(title, lines) not in ran}
    sections |= {report["title"]: table(report, now) for report in reports}
    lines = ["# Benchmarks", "", "Written by `make bench` (bench/run.py); "
             "`.venv/bin/python bench/run.py bench_NAME` re-runs one section.",
             "Times are medians (p50) and 95th percentiles (p95) of repeated runs in one process, unless a row says "
             "otherwise.", ""]
    for section in sections.values():
        lines += section
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("BENCHMARKS.md written")


if __name__ == "__main__":
    main()
