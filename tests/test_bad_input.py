"""Bad input through the real `scrutiny ingest`: one clear line per bad file, the rest ingest, and SIGKILL leaves no partial document."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pypdf

from assistant.services import Services
from assistant.settings import load_settings
from conftest import EXTERNAL_PDFS, SAMPLE_DIR
from ingest.pipeline import IngestPipeline
from test_cli import SCRUTINY, run

DERBY = SAMPLE_DIR / "002_9657fb6dd67a30bc.txt"
SOURCE_PDF = EXTERNAL_PDFS / "kcc_2024-12-10_corporate-parenting-panel_minutes.pdf"


def _text_pdf() -> bytes:
    """A real PDF with a text layer: an external one when present, else one page drawn by matplotlib."""
    if SOURCE_PDF.exists():
        return SOURCE_PDF.read_bytes()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure()
    figure.text(0.1, 0.5, "The panel agreed the report.")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    plt.close(figure)
    return buffer.getvalue()


def _bad_files(folder: Path) -> dict[str, str]:
    """file name -> words its error line must contain."""
    good_pdf = _text_pdf()
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    (folder / "pretend.pdf").write_text("this is not really a PDF", encoding="utf-8")
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(good_pdf)))
    writer.encrypt("secret")
    writer.write(folder / "locked.pdf")
    blank = pypdf.PdfWriter()
    blank.add_blank_page(595, 842)  # a page with no text layer, as a scan without OCR
    blank.write(folder / "scanned.pdf")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (folder / "bad\nname.txt").write_text("A report. It has text.", encoding="utf-8")
    return {"truncated.pdf": "export it again", "pretend.pdf": "not a PDF", "locked.pdf": "password-protected",
            "scanned.pdf": "OCR", "empty.txt": "empty", "budget.xlsx": "unsupported file type",
            "bad\\nname.txt": "rename the file"}


def test_every_bad_file_gets_one_line_and_the_good_ones_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected = _bad_files(folder)
    (folder / "legacy.txt").write_bytes("Budget \u00a35m agreed \u2013 the panel\u2019s view.".encode("cp1252"))
    (folder / "$(touch pwned); rm -rf ~.txt").write_text("A shell-looking name. It is only a name.", encoding="utf-8")
    (folder / ("long" * 60 + ".txt")).write_text("A very long name. It is still fine.", encoding="utf-8")
    index = tmp_path / "index"
    done = run("ingest", *sorted(str(p) for p in folder.iterdir()), str(folder / ".." / "in" / "legacy.txt"),
               str(DERBY), index=index)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(expected), done.stderr
    for name, words in expected.items():
        lines = [line for line in errors if name in line]
        assert len(lines) == 1 and words in lines[0], (name, done.stderr)
    assert "legacy.txt: not UTF-8, read as cp1252" in done.stderr
    assert "4 documents ingested" in done.stdout and "1 unchanged" in done.stdout
    assert not (Path.cwd() / "pwned").exists()
    listed = {d["source"] for d in json.loads(run("list", "--json", index=index).stdout)}
    assert listed == {"legacy.txt", "$(touch pwned); rm -rf ~.txt", "long" * 60 + ".txt", DERBY.name}
    legacy = Services(load_settings(index=index)).store.document_text("legacy.txt")
    assert legacy is not None and "\u00a35m agreed \u2013 the panel\u2019s" in legacy


def test_a_file_over_the_size_limit_is_refused_and_the_index_untouched(tmp_path: Path) -> None:
    fresh_services = Services(load_settings(index=tmp_path / "index"))
    small = tmp_path / "note.txt"
    small.write_text("The panel met. It agreed the plan.", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("The panel met again. " * 200, encoding="utf-8")
    pipeline = IngestPipeline(fresh_services.store, fresh_services.embedder, max_file_bytes=1000)
    summary = pipeline.ingest([small, big], progress=False)
    assert [r.status for r in summary.results] == ["added", "failed"]
    assert "over the" in summary.failed[0].message and "SCRUTINY_MAX_FILE_MB" in summary.failed[0].message
    assert [d["source"] for d in fresh_services.store.list_documents()] == ["note.txt"]
    assert {c.source for c in fresh_services.store.all_chunks()} == {"note.txt"}


def _big_file(tmp_path: Path) -> Path:
    """All five sample reports in one file: long enough that the kill lands while it is read, embedded or stored."""
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))), encoding="utf-8")
    return big


def test_sigkill_mid_ingest_leaves_no_partial_document_and_a_rerun_completes(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first, big, last = tmp_path / "first.txt", _big_file(tmp_path), tmp_path / "last.txt"
    first.write_text("The panel met in June. It agreed the work plan.", encoding="utf-8")
    last.write_text("The panel met in July. It noted the update.", encoding="utf-8")
    env = {**os.environ, "SCRUTINY_INDEX": str(index), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen([SCRUTINY, "ingest", str(first), str(big), str(last)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:  # the first file's status line: the big one is now being read and embedded
        if first.name in line:
            break
    time.sleep(2.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    store = Services(load_settings(index=index)).store
    assert [d["source"] for d in store.list_documents()] == [first.name]
    assert {c.source for c in store.all_chunks()} == {first.name}
    raw = store.chunks.get(include=["metadatas", "embeddings"])
    for vector, meta in zip(raw["embeddings"], raw["metadatas"]):
        if meta["source"] != first.name:  # a row of the killed ingest, found by its own vector, stays hidden
            hits = store.query_chunks(vector, 5)
            assert all(chunk_id.startswith(first.name) for chunk_id, _ in hits)
            break

    done = run("ingest", str(first), str(big), str(last), index=index)
    assert done.returncode == 0, done.stderr
    assert "2 documents ingested" in done.stdout and "1 unchanged" in done.stdout
    store = Services(load_settings(index=index)).store
    assert [d["source"] for d in store.list_documents()] == sorted([first.name, big.name, last.name])
    active = store.active_ingests()
    raw = store.chunks.get(include=["metadatas"])["metadatas"]
    assert all(active[m["source"]] == m["ingest_id"] for m in raw)  # the killed run's orphans were cleaned up


def test_a_folder_ingest_names_each_skipped_file(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    (folder / "old").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "note.txt").write_text("The panel met in May. It agreed the budget.", encoding="utf-8")
    (folder / "report.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (folder / "old" / "notes.exe").write_bytes(b"MZ a program")
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")  # hidden: left out, not listed
    done = run("ingest", str(folder), index=tmp_path / "index")
    assert done.returncode == 0, done.stderr
    assert "1 document ingested" in done.stdout
    assert "skipped 2: old/notes.exe (unsupported type), report.xlsx (unsupported type)" in done.stdout


def hostile_docx(path: Path, markup_mb: float, varied: bool = False) -> Path:
    """A real Word file whose one paragraph holds markup_mb of empty text runs, written without holding it in memory.

    Identical runs deflate about 350 times (100 MB -> ~290 KB); varied=True gives each run a random revision id,
    so the file packs only ~7 times and is caught after parsing, not from the zip directory."""
    template = io.BytesIO()
    docx.Document().save(template)
    generator = random.Random(13)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info.filename))
                continue
            head, rest = source.read(info.filename).split(b"<w:body>")
            with target.open(info.filename, "w") as part:
                part.write(head + b"<w:body><w:p>")
                written = 0
                while written < markup_mb * 2**20:
                    runs = (b"".join(b'<w:r w:rsidR="%08X"><w:t></w:t></w:r>' % generator.getrandbits(32)
                                     for _ in range(4096)) if varied else b"<w:r><w:t></w:t></w:r>" * 4096)
                    part.write(runs)
                    written += len(runs)
                part.write(b"</w:p>" + rest)
    return path


READ_IN_A_CHILD = """
import re, sys, time
from pathlib import Path
from ingest.readers.base import ReadLimits
from ingest.readers.docx import DocxReader
from ingest.errors import IngestError
started = time.perf_counter()
try:
    DocxReader().read(Path(sys.argv[1]), ReadLimits(3_000_000, 600))
    message = "read"
except IngestError as error:
    message = str(error)
peak_kb = re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)
print(int(peak_kb) // 1024, round(time.perf_counter() - started, 2), message)
"""


def test_an_expanding_word_file_is_refused_before_it_fills_memory(tmp_path: Path) -> None:
    """The reader runs in a child process so its peak memory (VmHWM, which starts afresh at exec) is its own."""
    for name, markup_mb, varied, words, most_mb in [("packed.docx", 100, False, "times), as no real document", 200),
                                                      ("varied.docx", 12, True, "XML elements around only 0", 500)]:
        path = hostile_docx(tmp_path / name, markup_mb, varied)
        child = subprocess.run([sys.executable, "-c", READ_IN_A_CHILD, str(path)], capture_output=True, text=True,
                               timeout=300, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        peak_mb, seconds, message = child.stdout.split(" ", 2)
        assert words in message and "save a clean copy" in message, (name, child.stdout, child.stderr)
        assert int(peak_mb) < most_mb, (name, peak_mb, seconds)


def test_ingest_limits_refuse_a_file_without_taking_the_write_lock(tmp_path: Path) -> None:
    services = Services(load_settings(index=tmp_path / "index"))
    long_text = tmp_path / "long.txt"
    long_text.write_text("The panel met and agreed the plan. " * 200, encoding="utf-8")
    hostile = hostile_docx(tmp_path / "hostile.docx", 100)

    class WatchedLock:
        taken = 0

        def __enter__(self) -> None:
            WatchedLock.taken += 1

        def __exit__(self, *exc: object) -> None:
            return None

    by_text = IngestPipeline(services.store, services.embedder, max_text_chars=1000, max_seconds_per_file=600)
    by_time = IngestPipeline(services.store, services.embedder, max_text_chars=10**6, max_seconds_per_file=1e-6)
    refusals = [by_text.ingest_file(long_text, WatchedLock()), by_time.ingest_file(long_text, WatchedLock()),
                services.pipeline.ingest_file(hostile, WatchedLock())]
    assert [r.status for r in refusals] == ["failed"] * 3
    assert "more than 1,000 characters" in refusals[0].message and "SCRUTINY_MAX_TEXT_CHARS" in refusals[0].message
    assert "limit to read" in refusals[1].message and "SCRUTINY_MAX_SECONDS_PER_FILE" in refusals[1].message
    assert "as no real document does" in refusals[2].message
    assert WatchedLock.taken == 0 and services.store.list_documents() == []
