"""The answer and citation records, serialised as the `scrutiny ask --json` contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

EXTRACTIVE, LLM = "extractive", "llm"  # which answerer wrote an answer, as the JSON's "answerer" names it


@dataclass
class Citation:
    n: int
    source: str
    title: str | None
    council: str | None
    date: str | None
    page: int | None
    section: str | None
    quote: str
    text: str
    start: int = field(default=0, repr=False)
    end: int = field(default=0, repr=False)
    item: str | None = None  # in a questions-and-answers pack or minutes: who asked whom, or the minute
    printed_page: int | None = None  # the number printed on the page, where it is not the PDF's page number
    author: str | None = None  # who the paper is from, as its cover names them ("Roger Gough, Leader of the Council")

    def reference(self) -> str:
        """A paste-ready reference: title, council, date, who said it (the item quoted, so a reply is its speaker's;
        else the paper's author), then page or paragraph."""
        place = self._page() or (f"para. {self.section}" if self.section and not self.section.startswith("row")
                                 else self.section)
        speaker = self.item or (f"by {self.author}" if self.author else None)
        parts = [self.title or self.source, self.council, self.date, speaker, place]
        return ", ".join(part for part in parts if part)

    def _page(self) -> str | None:
        """The page as the paper prints it, with the PDF's page number where the two differ."""
        if self.printed_page is not None:
            return f"p. {self.printed_page} (PDF p. {self.page})"
        return f"p. {self.page}" if self.page else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("start")
        data.pop("end")
        return data


@dataclass
class Answer:
    """What an answerer produces: text with [n] markers and the citations they point to."""

    text: str
    citations: list[Citation]
    abstained: bool
    answerer: str = EXTRACTIVE
    removed_sentences: int = 0  # the model's sentences the checks removed
    kept_sentences: int = 0  # the model's sentences shown
    notes: list[str] = field(default_factory=list)  # plain words for the user: a fallback, what was removed
    other_versions: list[str] = field(default_factory=list)  # where a paper sharing a cited one's text reads differently
    unmatched_names: tuple[str, ...] = ()  # a refusal's: the question's names its passages do not mention
    cautioned: bool = False  # answered, though the fitted check doubts the papers state what was asked


@dataclass
class AnswerResult:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    resolved_question: str | None = None
    answerer: str = EXTRACTIVE
    removed_sentences: int = 0
    notes: list[str] = field(default_factory=list)
    kept_sentences: int = 0
    other_versions: list[str] = field(default_factory=list)
    cautioned: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "cautioned": self.cautioned,
            "citations": [citation.to_json() for citation in self.citations],
            "timings_ms": {key: round(value, 1) for key, value in self.timings_ms.items()},
            "answerer": self.answerer,
            "removed_sentences": self.removed_sentences,
            "kept_sentences": self.kept_sentences,
            "notes": list(self.notes),
            "other_versions": list(self.other_versions),
        }
