"""Query understanding: councils, recommendation numbers, years and the kind of answer a question wants."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace

from assistant.glossary import expand_query
from assistant.names_in_text import names_a_person, names_an_organisation
from index.lexical import content_terms
from index.synonyms import with_synonyms
from ingest.metadata import Authority, _mentions, load_authorities, spellings
from ingest.vocabulary import ASKED_NUMBER, COUNCIL_KIND_WORDS, NUMBER_WORDS, VOTE_PUT

def _any_of(*phrases: str, before: str = r"\b", after: str = r"\b") -> re.Pattern[str]:
    """Any of the phrases (regex fragments) as whole words by default, however the question capitalises them."""
    return re.compile(before + "(?:" + "|".join(phrases) + ")" + after, re.IGNORECASE)


# the phrase opens the question, perhaps after a joining word: "And who seconded it?" asks who as "Who ...?" does
OPENING = r"^\s*(?:(?:and|but|so|then|also)\s+)?"
# "2028", and a financial year's second year too ("2025-26", "2025/26")
YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-/\u2013]\s*(\d{2}))?\b")
HOW_OFTEN = _any_of(r"how often", before=OPENING)
# "How often ...?" is answered by how often: "annually", "every three years", "twice a year", "fortnightly"
FREQUENCY = re.compile(r"\b(?:(?:bi|tri)?annual(?:ly)?|biennial(?:ly)?|yearly|monthly|quarterly|weekly|daily|fortnightly|"
                       r"every|each (?:year|month|quarter|week)|once|twice|times a)\b", re.IGNORECASE)
QUANTITY = _any_of(r"how (?:many|much|big|long|often)", r"what (?:percentage|proportion|share|number|figure|amount|cost|budget|rate)",
                   r"what is the (?:cost|budget|figure|number|rate)", before=OPENING + r"(?:(?:by|to|at|for) )?")
# "What proportion of the budget ...", "how many savings ...": a share or a count is asked, not a sum, whatever
# money the question names.
RATIO_OR_COUNT = _any_of(r"how many", r"what (?:percentage|proportion|share|rate|number)", before=OPENING + r"(?:(?:by|to|at|for) )?")
# "What was Cabinet asked to do with the budget?": a deed is asked, not a sum, whatever money the question names.
ASKS_DEED = re.compile(r"\bto do\b", re.IGNORECASE)
# "What percentage ...": a share asked as a percentage is stated with "%" or "per cent".
ASKS_PERCENTAGE = _any_of(r"what (?:percentage|per ?cent|%)", r"how many per ?cent", before=OPENING + r"(?:(?:by|to|at|for) )?")
PERCENTAGE = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
WHEN = _any_of("when", "by when", "what date", "by what date", "which year", "(?:at )?what time", before=OPENING)
# "On what date ..." wants a day, "in what month ..." a month: a year alone does not answer them.
ASKS_DAY = _any_of("(?:on|by) (?:what|which) (?:date|day)", "what (?:date|day) (?:is|was|will|did|does|do|are|were)",
                   before=OPENING)
# "When is the review due to be completed?" asks about what is still to come: a date before the paper was written
# ("training was last held on 23 November 2023") does not answer it.
ASKS_FUTURE = _any_of(r"(?:by )?when\b.*\b(?:due|expected|scheduled|next|will|planned|going to|set to)",
                      before=OPENING, after=r"\b")
ASKS_MONTH = _any_of("(?:in|by) (?:what|which) month", "what month (?:is|was|will|did|does|do|are|were)", before=OPENING)
QUOTE = _any_of("quote", "exact (?:words?|wording)", "verbatim", "word for word", "exactly what")
LIST = _any_of("which", "list", "what are the", "all (?:the|of)", "outstanding")
# "Were any recommendations rejected?": a yes-or-no question a list of those there are answers
ASKS_ANY = _any_of(r"(?:were|was|are|is|have|has|had|did)\s+(?:there\s+)?any", "any of")
COMPARISON = _any_of(r"(?:which|what|both|all|each|the|different)\s+(?:councils|authorities|reports|papers)",
                     "compare", "comparison", "both", "across", "versus", r"vs\.?")
MONEY_QUESTION = _any_of("cost", "costs", "budget", "spend", "spent", "save", "saved", "savings?", "money", "funding",
                         "price", "pay", "paid", "£", after="")
# "How much Services Grant did Kent receive?", "How much did the campaign raise?": a sum, when "how much" asks it
# ("What are the principles on borrowing?" asks none)
HOW_MUCH_MONEY = _any_of("grants?", "income", "raised?", "borrow(?:ed|ing)?", "loans?", "debts?", after="")
HOW_MUCH = _any_of("how much", before=OPENING + r"(?:(?:by|to|at|for) )?")
MONEY = re.compile(r"£|\$|€|\b\d+(?:\.\d+)?\s*(?:k|m|bn|million|thousand|pounds)\b", re.IGNORECASE)
# Figures a question gives ("the £1m amendment", "of the 4,798 children", "2.5%") set its scene: stated again in a
# passage they answer nothing. Sums, figures with thousands or decimals, percentages; not a bare small number ("Q3").
GIVEN_FIGURE = re.compile(r"(?:£|\$|€)\s*\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|bn|million|billion|thousand)\b)?|"
                          r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b|\b\d+(?:\.\d+)?\s*%", re.IGNORECASE)
# A sum that was only expected: "against the £500k projection" does not say what was saved.
EXPECTED_SUM = re.compile(r"(?:£|\$|€)\s*[\d,.]+\s*(?:k|m|bn|million)?\s+(?:\w+\s+)?(?:projection|projected|target|"
                          r"estimate|estimated|forecast|budget|budgeted|planned|ambition)\b|"
                          r"\b(?:projected|target|estimated|forecast|budgeted|planned)\s+(?:\w+\s+)?(?:of\s+)?(?:£|\$|€)",
                          re.IGNORECASE)
SUM = re.compile(r"(?:£|\$|€)\s*\d")
# A sum as written, or a figure under a column named in pounds ("Net Cost £000s: 12,973.5", "Value £m: 4.2")
SUM_FIGURE = re.compile(r"(?:£|\$|€)[^;:|\n]{0,12}:\s*-?\(?\d[\d,]*(?:\.\d+)?\)?|"
                        r"(?:£|\$|€)\s*-?\(?\d[\d,]*(?:\.\d+)?\)?(?:\s*(?:k|m|bn|million|billion|thousand)\b)?",
                        re.IGNORECASE)
# A sentence that only expects what it says: "it is anticipated that ... will deliver circa £4 million savings".
EXPECTING = re.compile(r"\b(?:it is|it was)\s+(?:anticipated|expected|estimated|projected|forecast|hoped)\s+that\b",
                       re.IGNORECASE)
# stems: "estimat" is "estimated" and "estimates", "hop" is "hoping" and "hoped"
EXPECTATION_WORDS = _any_of("project", "target", "estimat", "forecast", "budget", "plan", "expect", "will", "going to", "aim",
                            "hop", "anticipat", "intend", "envisag", "predict", "likely", after="")
WHAT_IS = _any_of("what (?:is|was|are|were)", before=OPENING)
# "What net revenue budget requirement did Council approve?" asks for the sum, as "what is the budget" does.
WHAT_SUM = _any_of(r"what (?!exactly\b)(?:[\w'-]+ ){0,3}?(?:budget|cost|spend|spending|funding|savings?|income|overspend|"
                   r"underspend|allocation|borrowing|debt|precept|tax|fee|stipend|allowance|salary|wage|price|charge|"
                   r"rent)s?(?: requirement| amount)?", before=OPENING,
                   after=r"(?=\s+(?:did|does|do|is|was|are|were|will|would|has|have|had|be|for|of|in|on|at|by|to|from|"
                         r"per)\b|\s*\?|$)")
# "How did the vote go?", "What was the vote on ...?", "Did it pass?": a vote's outcome is asked for, a tally or a
# motion carried or lost; not "Which amendments were voted on?", which asks for the amendments, nor "How many
# young people voted in the elections?", a turnout.
VOTE_WORDS = frozenset({"vote", "voted", "votes", "voting"})
_PASSED = r"(?:pass|passed|carried|lost|fail|failed|defeated|succeed|go through)\b"  # how a motion fared
ASKS_VOTE = re.compile(r"\b(?:how|what)\b[^?]*\b(?:" + "|".join(sorted(VOTE_WORDS)) + r")\b(?!\s+in\b)|"
                       r"\bvote\s+(?:count|result|tally|outcome)s?\b|"
                       r"\b(?:did|was|were)\s+(?:it|they|that|this|the\s+[\w'-]+(?:\s+[\w'-]+)?)\s+" + _PASSED + "|"
                       # "Was the Liberal Democrat highway maintenance amendment carried?", "Did Mr Hood's motion pass?"
                       r"\b(?:did|was|were)\s+(?:[\w'\u2019£,.&-]+\s+){1,7}?(?:motion|amendment|proposal|resolution)s?"
                       r"(?:\s+(?!and\b|that\b|which\b|who\b|but\b)[\w'\u2019£.&-]+){0,8}?\s+" + _PASSED + "|"
                       # "Did the December County Council pass the motion on proportional representation?"
                       r"\bdid\s+(?:[\w'\u2019&-]+\s+){1,5}?(?:pass|carry|reject|defeat|approve|back)\s+(?:the|a|an|this|that|"
                       r"their|his|her|its)\s+(?:[\w'\u2019£,.&-]+\s+){0,4}?(?:motion|amendment)s?\b", re.IGNORECASE)
# A vote's outcome as minutes record it: a tally ("For (16)", "Against: 4", "Ayes 5"), a motion carried or lost, or
# the line putting it to the vote, which the tallies follow as its list ("... and the voting was as follows:").
VOTE_RESULT = re.compile(r"\b(?:for|against|abstain(?:ed|ing|ions?)?|ayes?|noes?|yes|no)\s*(?:\(\s*\d+\s*\)|:\s*\d+)|"
                         r"\b(?:carried|lost|defeated|fell|unanimous(?:ly)?)\b|\b\d+\s*(?:-|–|to)\s*\d+\s+vote\b|"
                         r"\bvote\s+of\s+\d+|" + VOTE_PUT.pattern, re.IGNORECASE)
# "What is the name of the inspector ...", "Which councillor chairs ...": a person or body is asked for, as by "who".
WHO = _any_of("who", "whom", "whose", "who's", r"what (?:is|was|are|were) the names? of",
              r"which (?:officers?|members?|councillors?|directors?|cabinet members?|chairs?|chairman|bodies|body)\b",
              before=OPENING)
# Posts only a person holds: "Who is the chair ...?" is answered by a name ("Mr Hood"), not by "the Committee".
PERSONAL_POSTS = (r"chair(?:man|woman|person)?|vice[\s-]chair|leader|mayor|head ?teacher|inspector|director|officer|"
                  r"manager|councillor|member|clerk|minister|secretary|commissioner|chief executive|owner|author|"
                  r"proposer|seconder")
# "What is the name of the inspector ...", "Who is the responsible officer ...", "Which councillor ...": a person's
# name is asked, which a body or a post does not give. "Who chairs ...?" is answered by a post too ("the Director"),
# and posts in the plural by kinds or bodies ("Which councillors may not serve?", "Who are the statutory members?").
# "What is the name of the (new planning) ...": the words before the thing named
NAME_OF_OPENING = r"(?:what|which) (?:is|was|are|were) the names? of"
NAME_OF = NAME_OF_OPENING + r" (?:[\w'\u2019-]+ ){0,4}?"
ASKS_NAMED_PERSON = _any_of(
    rf"{NAME_OF}(?:{PERSONAL_POSTS})",
    rf"who (?:is|was|are|were|will be) (?:[\w'\u2019-]+ ){{0,4}}?(?:{PERSONAL_POSTS})", r"which (?:councillor|member)",
    before=OPENING)
# Who a paper is from, who wrote it, whom to contact about it, or the person a form's field names ("Who is the
# responsible officer on the EqIA?"): its cover's labelled fields say (assistant/answerers/cover.py).
COVER_FIELD_ASKED = {
    "named": _any_of(r"who(?:'s| (?:is|are|was|were))", NAME_OF_OPENING, before=OPENING),
    "author": _any_of(r"who (?:[\w'\u2019-]+ ){0,2}?(?:wrote|written|writes|authored)",
                      r"(?:who|what) (?:is|are|was|were) the (?:report )?authors?", before=OPENING),
    "from": _any_of(r"who (?:[\w'\u2019-]+ ){0,2}?brought\b", r"who (?:is|are|was|were) (?:[^\s?]+ ){1,12}?from\?\s*$",
                    before=OPENING, after=""),
    "contact": _any_of(r"(?:who|what) (?:is|are|was|were) the contact officers?",
                       r"who (?:[\w'\u2019-]+ ){0,4}?(?:contact|get in touch with|ask for|speak to)", before=OPENING),
}
# Firms and institutions asked for by name: "Which contractor has been appointed ...?", "Which banks lent ...?", "What
# is the name of the special school ...?"; the noun is what is asked ("Which firm does ...", not "What bank rate").
ORGANISATIONS = (r"contractor|developer|bank|company|companies|firm|supplier|provider|consultant|consultancy|operator|"
                 r"lender|adviser|advisor|fund manager|charity|charities|school|academy|college")
ASKS_ORGANISATION = _any_of(
    rf"(?:which|what) (?:[\w'\u2019-]+ ){{0,2}}?(?:{ORGANISATIONS})s? (?=(?:is|are|was|were|has|have|had|did|does|do|"
    r"will|would|can|could|got|lent|won|runs?|ran|\w+ed)\b)",
    rf"{NAME_OF}(?:{ORGANISATIONS})",
    before=OPENING)
# "Who chairs the panel?": the answer must say who chairs it, not merely name the panel and some body. The words that
# qualify "who" ("Who else did he copy ...?", "Who currently chairs ...?") are passed over; they are barred again in
# the look-ahead, or the pattern would give back a qualifier it skipped and take "else" for the deed.
_WHO_QUALIFIERS = (r"else|also|exactly|currently|now|actually|then|still|really|first|originally|formally|ultimately|"
                   r"usually|normally|finally|jointly|previously|initially|last")
WHO_DOES = re.compile(OPENING + rf"who\s+(?:(?:{_WHO_QUALIFIERS})\s+)*(?!(?:{_WHO_QUALIFIERS}|is|was|are|were|will|would|has|"
                      r"have|had|did|does|do|can|could|should|shall|may|might|must)\b)([a-z]+)", re.IGNORECASE)
# The titles council papers name people by: a title a user capitalises ("the Minister") names no one in particular.
TITLE = re.compile(r"\b(?:director|manager|chair|chairman|officer|head|lead|member|worker|practitioner|adviser|advisor|"
                   r"nurse|mr|mrs|ms|dr|cllr|councillor|leader|minister|secretary|inspector|mayor)s?\b", re.IGNORECASE)
# The bodies a paper is put to ("the plan put to Cabinet", "County Council"): few papers print their own forum.
FORUM_WORDS = ("cabinet", "council", "committee", "panel", "board", "commission")
FORUM = re.compile(r"\b(?:" + "|".join((*FORUM_WORDS, *COUNCIL_KIND_WORDS)) + r")s?\b", re.IGNORECASE)
# People and bodies as council papers name them: titles, teams, boards, initials of posts ("AD HOS").
PERSON = re.compile(TITLE.pattern + r"|\b(?:" + "|".join(FORUM_WORDS) + r"|group|team|service|trust|"
                    r"partnership|agency|authority|department|staff)s?\b|"
                    r"(?-i:\b[A-Z]{2,}\b)|(?-i:\b[A-Z][a-z]+ [A-Z][a-z'’-]+\b)", re.IGNORECASE)
# A deputy's title ("Vice Chair", "Deputy Leader"): a vice chair does not chair.
DEPUTY_ROLE = re.compile(r"\b(?:vice|deputy)[\s-]+[\w'\u2019-]+", re.IGNORECASE)
DIGITS = re.compile(r"\d|£|%|\b(?:" + "|".join(NUMBER_WORDS) + r"|half|quarter|dozen|none|no)\b", re.IGNORECASE)
# Figures that count nothing: a year ("the Children Act 1989") or a label's number ("Item 15:", "Recommendation 3");
# nor does a date's day ("23 January", DAY_DATE).
NOT_A_COUNT = re.compile(r"\b(?:19|20)\d\d(?:[/-]\d{2,4})?\b|"
                         r"\b(?:item|no|rec|recommendation|para|paragraph|section|appendix|annex|page|minute)\.?\s*\d[\d.]*\b",
                         re.IGNORECASE)
# The figures of a rate count nothing: "35 per 10,000 children" does not say how many children there are.
RATE = re.compile(r"(?:\b\d[\d,.]*\s*)?\bper\s+\d[\d,.]*\b", re.IGNORECASE)
ASKS_RATE = re.compile(r"\b(?:per|rate|ratio)\b", re.IGNORECASE)
TIME_UNITS = frozenset({"year", "month", "week", "day", "hour", "minut", "quarter"})
DURATION = re.compile(r"\b(?:\d+|" + "|".join(NUMBER_WORDS) + r")[\s-]+(?:years?|months?|weeks?|days?|hours?|minutes?|"
                      r"quarters?)\b", re.IGNORECASE)
# "How many extra foster carers will ..." counts "extra foster carers": the words up to the verb.
COUNTED = re.compile(r"\bhow many\s+((?:[\w'-]+\s+){0,3}?[\w'-]+?)\s+"
                     r"(?:did|does|do|are|were|is|was|will|would|have|has|had|can|could|should|"
                     r"in|on|at|for|of|from|by|across|between|\?|$)", re.IGNORECASE)
# What "how many" counts when no verb follows it straight away ("How many independent fostering agencies applied",
# "How many of Derby's foster carers live ..."): up to its first plural, past "of the" or "of Derby's".
COUNTED_PLURAL = re.compile(r"\bhow many\s+(?:of\s+(?:the\s+|its\s+|their\s+|these\s+|those\s+|[\w-]+['\u2019]s\s+)?)?"
                            r"((?:[\w'-]+\s+){0,4}?(?:[\w'-]+s|people|children|staff|women|men))\b", re.IGNORECASE)
# A figure and up to three following words: "twelve recommendations", "613 approved households".
COUNT_PHRASE = re.compile(r"(?:\b\d[\d,.]*|\b(?:" + "|".join(NUMBER_WORDS) + r"))\s+((?:[\w'-]+\s+){0,2}[\w'-]+)",
                          re.IGNORECASE)
# A question's opening: a question word, perhaps after a preposition ("by when", "against what budget").
QUESTION_WORD = (r"(?:(?:by|to|at|for|in|on|against|from|under|over|with|out of)\s+)?"
                 r"(?:what|who|whom|whose|when|how|where|which|why|whether|is|are|was|were|does|did|do|has|have|can)\b")
# A part asks something when it opens with a question word, or after the scene it sets ("In the Q2 report, how ...").
PART_QUESTION = re.compile(r"(?:^\s*|[,;:]\s*)" + QUESTION_WORD, re.IGNORECASE)
# Where a question's next part starts: ", and when ...", "; how did ...", "? Who ...", " and how many ...".
NEXT_PART = re.compile(r"(?:[,;?]\s*(?:and\s+|but\s+)?|\s+and\s+(?=(?:how many|how much|who|when|where)\b))"
                       r"(?=" + QUESTION_WORD + ")", re.IGNORECASE)
MIN_PART_WORDS = 3
# "Where and when is it piloted?", "Who and when ...": two questions sharing one rest ("is it piloted?").
PAIRED_ASK = re.compile(r"^(\s*(?:(?:and|but|so|then|also)\s+)?)(who|where|when|how|why|what|which)\s+(?:and|or)\s+"
                        r"(who|where|when|how|why|what|which)\b(.*)$", re.IGNORECASE | re.DOTALL)
# "30 additional foster carers" counts a change, not the carers a council has.
INCREMENT_TERMS = frozenset({"addit", "extra", "more", "new", "fewer", "further"})
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
# a month named; "may" only with a day or year beside it, as it is more often the verb
MONTH_WORDS = re.compile(rf"\b(?!may\b){_MONTH}|\bmay\s+\d|\d\s+may\b", re.IGNORECASE)
DAY_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
                      r"\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b", re.IGNORECASE)
DATE_WORDS = re.compile(r"\b(?:19|20)\d\d\b|\b" + _MONTH + r"|"
                        r"\b(?:spring|summer|autumn|winter|quarter|annual|monthly|weekly)\b|"
                        r"\b\d{1,2}[:.]\d\d\s*(?:a\.?m|p\.?m)\b",  # a meeting's times: "adjourned at 7:48 p.m."
                        re.IGNORECASE)


@dataclass(frozen=True)
class QueryAnalysis:
    """What a question asks about and what kind of answer would satisfy it."""

    councils: tuple[str, ...] = field(default=())  # canonical names mentioned
    recommendation_numbers: tuple[str, ...] = field(default=())
    years: tuple[tuple[int, int], ...] = field(default=())  # the periods named: (2010, 2010), (2025, 2026) for "2025-26"
    wants_quantity: bool = False
    wants_date: bool = False
    wants_frequency: bool = False  # "how often": a frequency ("annually") answers as a number does
    date_detail: str | None = None  # "day" for "on what date", "month" for "in what month"
    wants_quote: bool = False
    wants_list: bool = False
    asks_any: bool = False  # "were any ...?" (ASKS_ANY)
    wants_comparison: bool = False
    wants_money: bool = False
    wants_percentage: bool = False
    wants_person: bool = False
    wants_named_person: bool = False  # a person's name, not a body or a post (ASKS_NAMED_PERSON)
    wants_organisation: bool = False  # a firm's or an institution's name (ASKS_ORGANISATION)
    wants_vote: bool = False  # how a vote went (ASKS_VOTE)
    wants_future: bool = False  # a "when" question about what is still to come (ASKS_FUTURE)
    question_terms: frozenset[str] = field(default_factory=frozenset)  # the question's own words, stemmed and as typed
    asks_deputy: bool = False  # "Who is the vice chair ...?"
    counted: frozenset[str] = field(default_factory=frozenset)  # stems of what "how many ..." counts
    role: frozenset[str] = field(default_factory=frozenset)  # stem of the verb in "who chairs ...", with synonyms
    asks_expected: bool = False  # "how much is planned", not "how much was saved"
    asks_rate: bool = False  # "how many per 10,000 ...": a rate's figures answer it
    given_figures: re.Pattern[str] | None = None  # the figures the question itself gives (GIVEN_FIGURE)

    def counts_asked(self, text: str) -> bool:
        """The text gives a count of what the question counts: "twelve recommendations", "613 approved households"."""
        return any(not self._counts_change(words) for words in self._count_phrases(self._without_rates(text)))

    def names_count(self, text: str) -> bool:
        """A figure stands beside what the question counts, a change in it or not ("45 new foster carers")."""
        return bool(self._count_phrases(self._without_rates(text)))

    def _count_phrases(self, text: str) -> list[frozenset[str]]:
        """The words after each figure that name what the question counts ("30 additional foster carers")."""
        phrases = (with_synonyms(content_terms(match.group(1)))
                   for match in COUNT_PHRASE.finditer(self._without_given(text)))
        return [words for words in phrases if words & self.counted]

    def _counts_change(self, words: frozenset[str]) -> bool:
        """"30 additional carers" counts a change, which answers "how many extra carers" but not "how many carers"."""
        return bool(words & INCREMENT_TERMS) and not self.counted & INCREMENT_TERMS

    def _without_given(self, text: str) -> str:
        return self.given_figures.sub(" ", text) if self.given_figures else text

    def _without_sums(self, text: str) -> str:
        """"How many journeys ...?" is not answered by a budget line's "£000s: 12,973.5": a sum counts only money."""
        return text if self.wants_money or not self.counted else SUM_FIGURE.sub(" ", text)

    def _without_rates(self, text: str) -> str:
        return text if self.asks_rate else RATE.sub(" ", text)

    def _without_durations(self, text: str) -> str:
        """"How many savings plans ...?" is not answered by "plans over the three years": a span of time counts only
        what the question counts in time ("how many years ...")."""
        if not self.counted or self.counted & TIME_UNITS:
            return text
        return DURATION.sub(" ", text)

    def _gives_count(self, text: str) -> bool:
        """A count of what is asked, or the thing named beside a figure ("the number of carers stands at 612"),
        but not only a change in it ("30 additional carers" for "how many carers")."""
        if not self.counted:
            return bool(DIGITS.search(text))
        phrases = self._count_phrases(text)
        if not phrases:
            return bool(DIGITS.search(text)) and bool(with_synonyms(content_terms(text)) & self.counted)
        return any(not self._counts_change(words) for words in phrases)

    def _own_role_text(self, text: str) -> str:
        """The text without its deputies' roles ("elected Vice Chair"), unless the question asks about a deputy:
        a vice chair does not chair."""
        return text if self.asks_deputy else DEPUTY_ROLE.sub(" ", text)

    def _names_someone(self, text: str) -> bool:
        """A person or body other than those the question names: "Who is the Leader of the Council?" is not
        answered by "The Leader was also present"."""
        return any((content_terms(match.group()) or {match.group().lower()}) - self.question_terms
                   for match in PERSON.finditer(text))

    @staticmethod
    def _only_expected(text: str) -> bool:
        """Every sum in the text is a projection, target or budget, or the text only expects what it says."""
        sums = len(SUM.findall(text))
        return sums > 0 and (len(EXPECTED_SUM.findall(text)) >= sums or EXPECTING.search(text) is not None)

    def row_answers(self, row_text: str, search_text: str) -> bool:
        """A table row is of the kind asked, judged with its column names (a sum's "£000s" is in its column's name),
        but a date only in its cells: "2029-30 Year 5 £000s: 0" names a budget's column, not when a scheme opens."""
        return self.answer_type_satisfied(search_text) and not (self.wants_date and not DATE_WORDS.search(row_text))

    def dated_before(self, text: str, written: str | None) -> bool:
        """A question about what is to come, and the latest time the text names is no later than the day its paper
        was written (an ISO date: "2024-12-10", "2025-01", "2025"): "10th December 2024" in that day's minutes."""
        if not (self.wants_future and written and written[:4].isdigit()):
            return False
        latest = latest_time(text)
        return latest is not None and latest <= _iso_time(written)

    def speaks_of_votes(self) -> bool:
        """The question asks how a vote went, or who voted how ("Which councillors voted against it?")."""
        return self.wants_vote or bool(VOTE_WORDS & self.question_terms)

    def states_vote(self, text: str) -> bool:
        """The question asks how a vote went and the text records one: a tally, an outcome, or the vote put."""
        return self.wants_vote and bool(VOTE_RESULT.search(text))

    def answer_type_satisfied(self, text: str) -> bool:
        """A "how many" question needs a number, "how much money" a sum, "when" a date, "in 2010" that year; a figure
        the question gives is no answer to it."""
        text = self._without_given(text)
        counts = self._without_sums(self._without_rates(self._without_durations(
            NOT_A_COUNT.sub(" ", DAY_DATE.sub(" ", text)))))
        if (self.wants_quantity and not self._gives_count(counts)
                and not (self.wants_frequency and FREQUENCY.search(text))):
            return False
        if self.wants_money and not (MONEY.search(text) and (self.asks_expected or not self._only_expected(text))):
            return False
        if self.wants_percentage and not PERCENTAGE.search(text):
            return False
        if self.wants_date and not DATE_WORDS.search(text):
            return False
        if self.date_detail and not (DAY_DATE if self.date_detail == "day" else MONTH_WORDS).search(text):
            return False
        if self.wants_person and not self._names_someone(text):
            return False
        if self.wants_named_person and not names_a_person(self._own_role_text(text), self.question_terms):
            return False
        if self.wants_organisation and not names_an_organisation(text, self.question_terms):
            return False
        if self.wants_vote and not self.states_vote(text):
            return False
        if self.role and not with_synonyms(content_terms(self._own_role_text(text))) & self.role:
            return False
        return not (self.years and _states_other_years(text, self.years))


SMALL_WORDS = {"and", "of", "the", "upon", "on", "in", "le", "with"}


def _title_case(question: str) -> str:
    """Users type "east sussex"; the gazetteer matches capitalised names ("Bath and North East Somerset")."""
    return " ".join(word if word.lower() in SMALL_WORDS else word[:1].upper() + word[1:] for word in question.split())


# "a 5.4% cash increase ... compared to 2024-25": the year a figure is measured against is not the year it is for
BASELINE_YEAR = re.compile(r"\b(?:compared (?:to|with)|than(?: in)?|up from|down from|since)\s+(?:the\s+)?"
                           + YEAR.pattern, re.IGNORECASE)


def _states_other_years(text: str, years: tuple[tuple[int, int], ...]) -> bool:
    """The text names years, none of them the one asked about (2009 results for a 2010 question). A financial year
    ("2008/09") covers both its years, so it answers "in 2009", but not another financial year sharing one of them
    (the 2025-26 budget is no answer about 2026-27); a span ("2025-28") covers each year in it."""
    stated = periods_in(BASELINE_YEAR.sub(" ", text))
    return bool(stated) and not any(_same_time(asked, period) for asked in years for period in stated)


def periods_in(text: str) -> set[tuple[int, int]]:
    """The years a text names, each as (first, last): (2010, 2010), (2025, 2026) for "2025-26", (2025, 2028)."""
    periods = set()
    for match in YEAR.finditer(text):
        first = int(match.group(1))
        if match.group(2):
            second = int(match.group(1)[:2] + match.group(2))
            periods.add((first, second if second > first else second + 100))  # "1999-00" ends in 2000
        else:
            periods.add((first, first))
    return periods


def _same_time(asked: tuple[int, int], stated: tuple[int, int]) -> bool:
    """A year stated is the one asked, or a time holding it. A financial year asked is met only by itself, by a span
    of years holding it ("2025-28" holds 2027-28, not 2028-29) or by either of its years written alone."""
    if asked[1] == asked[0] + 1 and stated[1] > stated[0]:
        return stated[0] <= asked[0] and asked[1] <= stated[1]
    return asked[0] <= stated[1] and stated[0] <= asked[1]


DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\s*,?\s+((?:19|20)\d\d)\b",
                            re.IGNORECASE)


def _month_number(name: str) -> int:
    return [m.lower() for m in calendar.month_abbr].index(name[:3].lower())


def latest_time(text: str) -> tuple[int, int, int] | None:
    """The latest (year, month, day) the text names: a day as written, a month by its last day, a year by its end
    and a financial year ("2024-25") by the March it ends in; None when it names no year."""
    times = [(int(m.group(3)), _month_number(m.group(2)), int(m.group(1))) for m in DAY_MONTH_YEAR.finditer(text)]
    text = DAY_MONTH_YEAR.sub(" ", text)
    times += [(int(m.group(2)), _month_number(m.group(1)), 31) for m in MONTH_YEAR.finditer(text)]
    text = MONTH_YEAR.sub(" ", text)
    times += [(int(m.group(1)) + 1, 3, 31) if m.group(2) else (int(m.group(1)), 12, 31) for m in YEAR.finditer(text)]
    return max(times, default=None)


def _iso_time(date: str) -> tuple[int, int, int]:
    """(year, month, day) of an ISO date that may lack its day or month; a missing part counts as the earliest."""
    year, month, day = (date[:10].split("-") + ["1", "1"])[:3]
    return int(year), int(month), int(day)


def _councils(question: str) -> tuple[str, ...]:
    for text in (question, _title_case(question)):
        names = tuple(dict.fromkeys(authority.name for authority, _, _ in _mentions(text)))
        if names:
            return names
    return ()


def _date_detail(question: str) -> str | None:
    """How exact a date the question wants: "day", "month", or None when a year will do."""
    return "day" if ASKS_DAY.search(question) else "month" if ASKS_MONTH.search(question) else None


def _numbers(question: str) -> tuple[str, ...]:
    found = []
    for match in ASKED_NUMBER.finditer(question):
        value = match.group(1).lower()
        found.append(str(NUMBER_WORDS.get(value, value)))
    return tuple(dict.fromkeys(found))


def analyse(question: str) -> QueryAnalysis:
    years = tuple(sorted(periods_in(question)))
    councils, date_detail = _councils(question), _date_detail(question)
    return QueryAnalysis(
        councils=councils, recommendation_numbers=_numbers(question), years=years,
        wants_quantity=bool(QUANTITY.search(question)), date_detail=date_detail,
        wants_frequency=bool(HOW_OFTEN.search(question)),
        wants_date=bool(WHEN.search(question) or date_detail), wants_future=bool(ASKS_FUTURE.search(question)),
        wants_quote=bool(QUOTE.search(question)), wants_list=bool(LIST.search(question)),
        asks_any=bool(ASKS_ANY.search(question)),
        # one council named: "compare to similar councils" asks for benchmarks inside its own papers
        wants_comparison=len(councils) > 1 or (len(councils) != 1 and bool(COMPARISON.search(question))),
        wants_money=((bool(QUANTITY.search(question) or WHAT_IS.search(question)) and bool(MONEY_QUESTION.search(question))
                      or bool(HOW_MUCH.search(question) and HOW_MUCH_MONEY.search(question))
                      or bool(WHAT_SUM.search(question))) and not RATIO_OR_COUNT.search(question)
                     and not ASKS_DEED.search(question)),
        wants_percentage=bool(ASKS_PERCENTAGE.search(question)),
        wants_person=bool(WHO.search(question)), wants_named_person=bool(ASKS_NAMED_PERSON.search(question)),
        wants_organisation=bool(ASKS_ORGANISATION.search(question)),
        wants_vote=bool(ASKS_VOTE.search(question)),
        question_terms=content_terms(question) | set(re.findall(r"[\w'\u2019-]+", question.lower())),
        asks_deputy=bool(DEPUTY_ROLE.search(question)),
        counted=_counted(question), asks_expected=bool(EXPECTATION_WORDS.search(question)),
        asks_rate=bool(ASKS_RATE.search(question)),
        role=_role(question), given_figures=_given_figures(question),
    )


def _given_figures(question: str) -> re.Pattern[str] | None:
    """A pattern of the figures the question gives, as a passage may write them ("£1m", "£1 m")."""
    figures = {re.sub(r"\s+", "", match.group(0)) for match in GIVEN_FIGURE.finditer(question)}
    if not figures:
        return None
    spaced = (r"\s*".join(re.escape(ch) for ch in figure) for figure in sorted(figures, key=len, reverse=True))
    return re.compile(r"(?<![\d.,])(?:" + "|".join(spaced) + r")(?![\d,]*\d)", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The questions asked at once ("Who approved the structure, and when?" -> its opening and "when?"); one
    element when it asks one thing. A part too short to ask anything on its own ("Under decision 24/00109, what
    ...") is not split; "Where and when is it piloted?" asks "Where is it piloted?" and "When is it piloted?"."""
    paired = PAIRED_ASK.match(question)
    if paired:
        joining, first, second, rest = paired.groups()
        return [f"{joining}{first}{rest}".strip(), f"{second.capitalize()}{rest}".strip()]
    parts, start = [], 0
    for match in NEXT_PART.finditer(question):
        piece = question[start:match.start()]
        # "Under decision 24/00109, what ..." sets the scene for the question after it: one part with it
        if len(piece.split()) >= MIN_PART_WORDS and PART_QUESTION.search(piece):
            parts.append(piece.strip(" ,;"))
            start = match.end()
    return [*parts, question[start:].strip(" ,;")]


def asks_pair(question: str) -> bool:
    """"Where and when is it piloted?": two things asked of one event, which one sentence usually gives."""
    return PAIRED_ASK.match(question) is not None


def part_analysis(whole: QueryAnalysis, part: str) -> QueryAnalysis:
    """What one part of a question asks for: its own kind of answer, the whole question's councils, numbers, years,
    figures given, and wish for a comparison or a quote."""
    return replace(analyse(part), councils=whole.councils, recommendation_numbers=whole.recommendation_numbers,
                   years=whole.years, wants_comparison=whole.wants_comparison, wants_quote=whole.wants_quote,
                   given_figures=whole.given_figures)


def part_analyses(question: str, whole: QueryAnalysis) -> list[QueryAnalysis]:
    """What each part of the question asks for; the whole question's analysis when it asks one thing."""
    parts = question_parts(question)
    return [part_analysis(whole, part) for part in parts] if len(parts) > 1 else [whole]


# Who "moved" a motion is who the minutes say "proposed" it. Only for judging who did it: as a search synonym "move"
# also brought the proposals of questions about "moving" a service (docs/rule-audit.md, twenty-ninth session).
# Who "asked" or "answered" a member's question is who its heading names: "Question by Mr X to Mrs Y".
SAME_ROLE = {"move": frozenset({"propos"}), **{deed: frozenset({"question"}) for deed in ("ask", "answer", "repli",
                                                                                              "respond")}}


def _role(question: str) -> frozenset[str]:
    match = WHO_DOES.search(question)
    if not match:
        return frozenset()
    role = with_synonyms(content_terms(match.group(1)))
    return role.union(*(SAME_ROLE.get(term, frozenset()) for term in role))


def _counted(question: str) -> frozenset[str]:
    """Stems of what "how many" counts; an acronym also by its meaning ("KPIs" counts "indicators")."""
    match = COUNTED.search(question.rstrip("?") + " ?") or COUNTED_PLURAL.search(question)
    return content_terms(expand_query(match.group(1))) if match else frozenset()


# Search terms of the kinds of council ("counti", "citi"); "council" itself is never a search term.
KIND_TERMS = content_terms(" ".join(COUNCIL_KIND_WORDS))


def _authority(council: str) -> Authority | None:
    """The gazetteer's entry for a council's canonical name."""
    return next((a for a in load_authorities() if a.name == council), None)


def place_terms(council: str) -> set[str]:
    """The search terms of a council's place name ("Surrey County Council" -> {"surrey"})."""
    authority = _authority(council)
    return content_terms(authority.short_name if authority else council) - KIND_TERMS


def council_type(council: str) -> str | None:
    """The kind of council the gazetteer records ("county", "district", "unitary" ...), None for a name it lacks."""
    authority = _authority(council)
    return authority.type if authority else None


def _spellings(council: str) -> tuple[str, ...]:
    """Every way the council is written: its name, short name, aliases ("B&NES") and usual variants ("KCC")."""
    authority = _authority(council)
    return spellings(authority) if authority else (council,)


def name_terms(council: str) -> frozenset[str]:
    """Search terms of every way a council is written ("B&NES", "Bath and North East Somerset"), less the
    words for a kind of council: once the search is scoped to it, they say nothing about the answer."""
    terms = frozenset().union(*(content_terms(name) for name in _spellings(council)))
    return terms - KIND_TERMS


def without_councils(question: str, councils: tuple[str, ...]) -> str:
    """The question less the councils' names ("What has Kent's cabinet decided?" -> "What has cabinet decided?"):
    once the search is scoped to them the names only pull it towards passages that repeat them."""
    if not councils:
        return question
    names = sorted({name for council in councils for name in _spellings(council)}, key=len, reverse=True)
    pattern = "|".join(re.escape(name) for name in names)
    return " ".join(re.sub(rf"(?<!\w)(?:{pattern})(?:['’]s)?(?!\w)", " ", question, flags=re.IGNORECASE).split())


MONTH_YEAR = re.compile(r"\b(" + "|".join(calendar.month_name[1:]) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)

PAST_TENSE = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)
MONTH_END = re.compile(r"\b(?:end|close|last day) of\s+$", re.IGNORECASE)
DAY_BEFORE_MONTH = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\s+$", re.IGNORECASE)  # "31 March 2025", "1st April 2024"


def asks_after_papers(question: str, documents: list[dict]) -> str | None:
    """The time a past-tense question asks about ("what did the July 2012 report conclude?", "at the end of
    March 2025") when every paper in scope was written before it: papers cannot report what happened later."""
    asked = sorted(_asked_time(question, match) for match in MONTH_YEAR.finditer(question))
    dates = [str(doc.get("date") or "") for doc in documents]
    if not asked or not PAST_TENSE.search(question) or not dates or not all(dates):
        return None
    return asked[0] if all(_written_before(date, asked[0]) for date in dates) else None


def _asked_time(question: str, match: re.Match[str]) -> str:
    """"2012-07" for "July 2012"; "2025-03-31" for "the end of March 2025" and for "31 March 2025"."""
    year, month = int(match.group(2)), list(calendar.month_name).index(match.group(1).title())
    last_day = calendar.monthrange(year, month)[1]
    before = question[: match.start()]
    if MONTH_END.search(before):
        return f"{year}-{month:02d}-{last_day:02d}"
    day = DAY_BEFORE_MONTH.search(before)
    if day and 1 <= int(day.group(1)) <= last_day:
        return f"{year}-{month:02d}-{int(day.group(1)):02d}"
    return f"{year}-{month:02d}"


def _written_before(date: str, asked: str) -> bool:
    """A paper dated only by month ("2025-03") may have been written at the month's end, so it is not before
    "2025-03-31"; a paper dated 4 March is."""
    if len(asked) > 7 and len(date) >= 10:
        return date[:10] < asked
    return date[:7] < asked[:7]
