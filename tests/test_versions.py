"""Two versions of one paper that disagree: the answer keeps its quote and shows the other paper's words beside it (on
the command line, in the app, in the briefing exports), on a real reissued Kent amendment form; papers that only
share a sentence template, and identical copies, get no note."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.app_answer import answer_footer
from assistant.app_common import AppContext
from assistant.briefing import BriefingTurn, briefing_docx, briefing_markdown
from assistant.cli import format_answer
from assistant.quotes import collapse_whitespace
from assistant.services import Services
from assistant.results import Citation
from assistant.steps import OtherVersionsCheck
from assistant.versions import VersionFinder
from index.records import StoredChunk
from tests.conftest import EXTERNAL_PDFS

KCC_LIBRARY = EXTERNAL_PDFS.parent / "kcc-library"
# one amendment form published twice; the copies name different seconders
REISSUED_FORM = [KCC_LIBRARY / f"kcc_2025-02-13_full_council_8-amendment-greens-and-independents-ctrs{suffix}.pdf"
                 for suffix in ("", "-1")]

FORM = """Amendment to the budget: {topic}

The amendment was proposed by {proposer} and seconded by {seconder}.

The County Council is asked to add £{amount} to the {topic} budget for 2025-26, funded from the reserves set aside
for the purpose, so that the service can continue through the year without the reductions proposed in the draft budget.

The amendment would be reviewed by the Scrutiny Committee at its meeting in July 2025.
"""


def _reads(note: str) -> str:
    """The other version's words in a note, without the marks of words left out."""
    return note.split('reads differently here: "', 1)[1].rstrip('"').removeprefix("... ").removesuffix(" ...")


QUARTERS_COMMENTARY = [
    "Recruitment events in libraries brought 41 enquiries. The fostering team answered each within a week, and eleven "
    "households began the assessment. Two of them were approved by the panel in the quarter, and the others are expected "
    "to reach panel early next year. The team also ran a stall at the county show, where the number of people asking "
    "about short breaks care was higher than in any earlier year. Officers will report on the conversion rate from "
    "enquiry to approval at the next meeting of the committee.",
    "Two carers retired after twenty years of caring for children with complex needs, and the service thanked them at "
    "its annual awards evening. The campaign on local radio ended in December as planned, after reaching an estimated "
    "180,000 listeners. An evaluation of the campaign by the communications team found that most enquiries came from "
    "the county's coastal towns. The committee asked for the next campaign to be aimed at the west of the county, where "
    "fewer enquiries were received."]


def _form(path: Path, seconder: str, amount: str = "250,000", topic: str = "community wardens") -> Path:
    path.write_text(FORM.format(topic=topic, proposer="Rich Lehmann", seconder=seconder, amount=amount), encoding="utf-8")
    return path


@pytest.mark.skipif(not all(path.exists() for path in REISSUED_FORM), reason="the KCC library is not present")
def test_a_reissued_form_that_names_another_seconder_is_shown_beside_the_answer(fresh_services: Services) -> None:
    summary = fresh_services.pipeline.ingest(REISSUED_FORM, progress=False)
    assert not summary.failed, summary.failed
    result = fresh_services.engine.ask("Who seconded the Greens and Independents amendment on the council tax reduction scheme?")
    assert not result.abstained and result.citations
    assert len(result.other_versions) == 1, result.other_versions
    note = result.other_versions[0]
    cited = result.citations[0].source
    other = next(path.name for path in REISSUED_FORM if path.name != cited)
    assert other in note and note.startswith("[1]")
    reads = _reads(note)
    # the other words are the other paper's own, and not what the cited paper says
    assert reads in collapse_whitespace(fresh_services.store.document_text(other) or "")
    assert reads not in collapse_whitespace(fresh_services.store.document_text(cited) or "")
    assert note in format_answer(result)  # the command line's Note: line
    assert note in answer_footer(AppContext(fresh_services), result)  # the line under the answer in the app


def test_two_versions_of_a_form_disagreeing_on_the_seconder(fresh_services: Services, tmp_path: Path) -> None:
    first = _form(tmp_path / "amendment-wardens.txt", "Stuart Jeffery")
    second = _form(tmp_path / "amendment-wardens-reissued.txt", "Mark Hood")
    fresh_services.pipeline.ingest([first, second], progress=False)
    result = fresh_services.engine.ask("Who seconded the community wardens amendment?")
    assert not result.abstained
    assert len(result.other_versions) == 1, result.other_versions  # one note for the pair, even when both are cited
    note = result.other_versions[0]
    noted = next(citation for citation in result.citations if note.startswith(f"[{citation.n}]"))
    seconders = {"amendment-wardens.txt": "Mark Hood", "amendment-wardens-reissued.txt": "Stuart Jeffery"}
    assert seconders[noted.source] in _reads(note) and seconders[noted.source] not in noted.quote
    assert result.to_json()["other_versions"] == result.other_versions
    # a briefing writer's export keeps the note, pointing at the briefing's own footnote of the quote
    turns = [BriefingTurn("Who proposed it?", f"Rich Lehmann [{noted.n}]", False, [noted]),
             BriefingTurn.from_json({**result.to_json(), "question": "Who seconded the community wardens amendment?"})]
    footnote = 1 + noted.n  # the first turn's one citation is footnote 1
    markdown = briefing_markdown(turns)
    assert f"> Note on the quote in footnote {footnote}: A paper that shares most of its text" in markdown
    assert seconders[noted.source] in markdown.split("> Note on the quote", 1)[1]
    word = docx.Document(str(briefing_docx(turns, tmp_path / "briefing.docx")))
    assert any(p.text.startswith(f"Note on the quote in footnote {footnote}:") and seconders[noted.source] in p.text
               for p in word.paragraphs)


def test_identical_copies_and_papers_sharing_a_template_are_not_versions_that_differ(
        fresh_services: Services, tmp_path: Path) -> None:
    copy_dir = tmp_path / "copies"
    copy_dir.mkdir()
    original = _form(copy_dir / "wardens.txt", "Stuart Jeffery")
    (copy_dir / "wardens-copy.txt").write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    quarters = []
    for quarter, (households, commentary) in enumerate(zip(("613", "598"), QUARTERS_COMMENTARY), 1):
        paper = tmp_path / f"performance-q{quarter}.txt"
        # the template's paragraph is a passage of its own, aligned with the other quarter's but for the figure
        paper.write_text(f"Quarterly performance report, quarter {quarter}\n\nFoster households\n\nThe number of foster "
                         f"households was {households} at the end of the quarter, against a target of 700. The indicator "
                         f"is rated amber.\n\nCommentary\n\n{commentary}\n", encoding="utf-8")
        quarters.append(paper)
    fresh_services.pipeline.ingest([copy_dir, *quarters], progress=False)
    copied = fresh_services.engine.ask("Who seconded the community wardens amendment?")
    assert not copied.abstained and copied.other_versions == []  # the copies say the same
    households = fresh_services.engine.ask("How many foster households were there at the end of the quarter?")
    assert not households.abstained and households.other_versions == []  # two quarters, not two versions
    assert any(isinstance(check, OtherVersionsCheck) for check in fresh_services.steps.checks)


def _chunk(source: str, text: str) -> StoredChunk:
    return StoredChunk(id=f"{source}:v1:0", source=source, text=text, search_text=text, kind="paragraph", start=0,
                       end=len(text), section=None, heading=None, page=1)


def _citation(chunk: StoredChunk, quote: str) -> Citation:
    return Citation(n=1, source=chunk.source, title=None, council=None, date=None, page=1, section=None, quote=quote,
                    text=chunk.text)


def test_a_relettered_appendix_or_quotation_marks_are_not_a_difference_and_a_figure_is() -> None:
    body = ("The Council is asked to approve the Reserves Policy at Appendix {letter}, which sets the minimum level "
            "of the general reserve at {amount} of the net revenue budget for 2025-26 and the years after it.")
    draft = _chunk("draft.txt", body.format(letter="G", amount="5%"))
    papers = {"draft.txt": draft.text, "final.txt": body.format(letter="H", amount="5%"),
              "quoted.txt": "“" + body.format(letter="G", amount="5%.").replace("Council", "council") + "”",
              "changed.txt": body.format(letter="G", amount="6%")}
    finder = VersionFinder(papers.get)
    citation = _citation(draft, draft.text)
    for source, says_otherwise in (("final.txt", False), ("quoted.txt", False), ("changed.txt", True)):
        found = finder.differing([citation], [draft, _chunk(source, papers[source])])
        assert bool(found) == says_otherwise, (source, found)
    assert "6%" in finder.differing([citation], [draft, _chunk("changed.txt", papers["changed.txt"])])[0].reads
