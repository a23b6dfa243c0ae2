"""Benchmark: CPU time to read PDFs into text and tables (no model, no index), optionally against another checkout.

    python benchmarks/bench_reading.py [FOLDER ...] [--project DIR] [--rounds 3]

Each round reads every PDF of the folders (default: ../shared/external/kcc-library and ../shared/external/pdfs) in a
fresh process with this checkout first on PYTHONPATH, then, with `--project`, with DIR's (e.g. the session's starting
commit, extracted with `git archive COMMIT | tar -x -C DIR`); the order alternates between rounds so a machine loaded
by other jobs slows both alike. Prints each round, the medians and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDERS = [PROJECT.parent / "shared" / "external" / "kcc-library", PROJECT.parent / "shared" / "external" / "pdfs"]
# Run inside the worker: read every PDF, report pages and CPU seconds as JSON on the last line.
WORKER = """
import json, sys, time
from pathlib import Path
from ingest.errors import IngestError
from ingest.readers.pdf import PdfReader
pages = failed = 0
started = time.process_time()
for path in sorted(p for folder in sys.argv[1:] for p in Path(folder).glob("*.pdf")):
    try:
        pages += len(PdfReader().read(path).page_starts)
    except IngestError:
        failed += 1
print(json.dumps({"pages": pages, "failed": failed, "cpu_s": time.process_time() - started}))
"""


def read_once(checkout: Path, folders: list[Path]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", WORKER, *map(str, folders)], env=env, cwd=checkout,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--project", type=Path, help="another checkout to read the same PDFs with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    checkouts = {"this checkout": PROJECT, **({"--project": args.project.resolve()} if args.project else {})}
    times: dict[str, list[float]] = {name: [] for name in checkouts}
    for round_number in range(args.rounds):
        order = list(checkouts) if round_number % 2 == 0 else list(reversed(checkouts))
        for name in order:
            result = read_once(checkouts[name], args.folders)
            times[name].append(result["cpu_s"])
            print(f"round {round_number + 1} {name}: {result['pages']} pages ({result['failed']} files refused) "
                  f"in {result['cpu_s']:.1f} CPU s", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name}: median {median:.1f} CPU s")
    if args.project:
        print(f"this checkout / --project: {medians['this checkout'] / medians['--project']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
