"""Run every bench/bench_*.py script and rewrite BENCHMARKS.md with their tables.

Each script prints one JSON object on its last line of output:
{"title": str, "columns": [str, ...], "rows": [[...], ...], "notes": [str, ...]}
"""

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}")


def run(script: Path) -> dict:
    print(f"== {script.name}", flush=True)
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stderr.write(result.stderr[-4000:])
    if result.returncode != 0:
        return {"title": script.stem, "columns": ["error"], "rows": [[f"exit {result.returncode}"]], "notes": []}
    return json.loads(result.stdout.strip().splitlines()[-1])


def table(report: dict) -> list[str]:
    lines = [f"## {report['title']}", "", "| " + " | ".join(report["columns"]) + " |",
             "|" + "---|" * len(report["columns"])]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in report["rows"]]
    return [*lines, "", *(f"- {note}" for note in report.get("notes", [])), ""]


def main() -> None:
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    only = sys.argv[1:]
    reports = [run(script) for script in scripts if not only or script.stem in only]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Benchmarks", "", f"Machine: {machine()}.", f"Date: {now}. Written by `make bench` (bench/run.py).",
             "Times are medians (p50) and 95th percentiles (p95) of repeated runs in one process, unless a row says "
             "otherwise.", ""]
    for report in reports:
        lines += table(report)
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines), encoding="utf-8")
    print("BENCHMARKS.md written")


if __name__ == "__main__":
    main()
