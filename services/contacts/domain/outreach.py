"""Outreach drafts and the warm-message check.

A warm message to someone you want to learn from has a subject that says who you are and why you
write; a body that shows common ground with this one person; and an ask that is small and
specific (a short call or one question, with times to choose from), never a job or a referral.
And it is written for them: the same text sent to several people reads as a mailing.

:func:`check` reports one finding per rule, each in plain words and pointing at the words it is
about (character spans in the subject or the body). Nothing here calls out: the rules are word
lists and patterns, so a student sees the same findings offline and a test can pin each one.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.errors import DomainError, InvalidTransition

SUBJECT_LIMIT = 200
BODY_LIMIT = 5000
TEMPLATE_SIMILARITY = 0.6
"""Share of five-word runs two drafts may have in common before they read as one template."""


class Rule(StrEnum):
    SUBJECT = "subject_says_who_and_why"
    COMMON_GROUND = "common_ground"
    SMALL_ASK = "small_specific_ask"
    TIME_OPTIONS = "time_options"
    NO_JOB_ASK = "no_job_or_referral_ask"
    NOT_A_TEMPLATE = "written_for_them"


class Part(StrEnum):
    SUBJECT = "subject"
    BODY = "body"


@dataclass(frozen=True)
class Span:
    part: Part
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    rule: Rule
    passed: bool
    explanation: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """What the student knows of the person they write to, for the common-ground rule."""

    name: str
    company: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    remembered: tuple[str, ...] = ()
    """Takeaways of past conversations, and how they met."""


@dataclass
class Draft:
    id: str
    owner_id: str
    contact_id: str
    subject: str
    body: str
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    interaction_id: str | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.subject, self.body = (
            _bounded("subject", self.subject, SUBJECT_LIMIT),
            _bounded("body", self.body, BODY_LIMIT),
        )

    def edit(self, *, subject: str | None, body: str | None, now: datetime) -> bool:
        """Change the text; returns whether anything changed. A sent draft stays as it went."""
        if self.sent_at is not None:
            raise InvalidTransition("the draft was sent: it stays as it went", field="draft")
        subject = self.subject if subject is None else _bounded("subject", subject, SUBJECT_LIMIT)
        body = self.body if body is None else _bounded("body", body, BODY_LIMIT)
        if (subject, body) == (self.subject, self.body):
            return False
        self.subject, self.body, self.updated_at, self.version = subject, body, now, self.version + 1
        return True

    def sent(self, *, interaction_id: str, now: datetime) -> None:
        if self.sent_at is not None:
            raise InvalidTransition("the draft was sent already", field="draft")
        self.sent_at, self.interaction_id, self.updated_at, self.version = (
            now,
            interaction_id,
            now,
            self.version + 1,
        )


def _bounded(name: str, text: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise DomainError(f"a draft needs a {name}", field=name)
    if len(text) > limit:
        raise DomainError(f"at most {limit} characters", field=name)
    return text


WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
SENDER = re.compile(
    r"\b(student|aspiring|fellow|alum(nus|na|ni)?|graduate|grad|bootcamp|junior|career[- ]changer|"
    r"intern|apprentice|new to|from|referred by|introduced by|friend of|met you|we met)\b",
    re.IGNORECASE,
)
REASON = re.compile(
    r"\b(question|questions|advice|chat|coffee|call|learn(ing)?|about|thoughts|your (post|talk|article|work)|"
    r"curious|insight|perspective)\b",
    re.IGNORECASE,
)
SMALL_ASK = re.compile(
    r"\b(\d{1,2}|fifteen|twenty|ten|thirty)[ -]?(min|mins|minutes?)\b|\b(one|a|1) (quick |short )?question\b|"
    r"\b(short|quick|brief) (call|chat|conversation)\b|\bvirtual coffee\b|\bcoffee chat\b",
    re.IGNORECASE,
)
TIMES = re.compile(
    r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\bnext week\b|\bthis week\b|"
    r"\b\d{1,2}(:\d{2})? ?(am|pm)\b|\b\d{1,2}:\d{2}\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}\b|\b\d{1,2}/\d{1,2}\b",
    re.IGNORECASE,
)
JOB_ASK = re.compile(
    r"\b(jobs?|referrals?|refer me|hire me|hiring|position|openings?|vacanc(y|ies)|put in a (good )?word|"
    r"recommend me|get me in)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "their",
        "there",
        "these",
        "those",
        "which",
        "while",
        "would",
        "could",
        "should",
        "other",
        "people",
        "thing",
        "things",
        "really",
        "great",
        "about",
        "where",
        "being",
        "because",
        "before",
        "between",
        "during",
        "every",
        "first",
        "never",
        "since",
        "still",
        "through",
        "under",
        "until",
        "what",
        "when",
        "with",
        "your",
        "yours",
        "have",
        "this",
        "that",
        "from",
        "they",
        "them",
        "were",
        "will",
        "just",
        "like",
        "also",
        "more",
        "most",
        "some",
    ]
)


def _spans(pattern: re.Pattern[str], text: str, part: Part) -> tuple[Span, ...]:
    return tuple(Span(part, m.start(), m.end(), m.group(0)) for m in pattern.finditer(text))


def _phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(r"\b" + r"\s+".join(re.escape(word) for word in phrase.split()) + r"\b", re.IGNORECASE)


def check_subject(subject: str) -> Finding:
    who, why = _spans(SENDER, subject, Part.SUBJECT), _spans(REASON, subject, Part.SUBJECT)
    if who and why:
        return Finding(
            Rule.SUBJECT, True, "The subject says who you are and why you write.", who[:1] + why[:1]
        )
    missing = " and ".join(
        part
        for part, found in (
            ("who you are (a student, a fellow alum, who sent you)", who),
            ("why you write", why),
        )
        if not found
    )
    whole = (Span(Part.SUBJECT, 0, len(subject), subject),)
    return Finding(
        Rule.SUBJECT,
        False,
        f"The subject does not say {missing}: they decide from it whether to open.",
        whole,
    )


def _grounds(recipient: Recipient) -> list[str]:
    """What would show this message is for this person: where they work, their role, a tag,
    and the longer words of what the student remembers of them."""
    found = [text for text in (recipient.company, recipient.role, *recipient.tags) if text and len(text) >= 3]
    for memory in recipient.remembered:
        found += [w for w in WORD.findall(memory) if len(w) >= 6 and w.lower() not in STOPWORDS]
    return found


def check_common_ground(body: str, recipient: Recipient) -> Finding:
    spans = tuple(
        span
        for ground in dict.fromkeys(_grounds(recipient))
        for span in _spans(_phrase(ground), body, Part.BODY)
    )
    if spans:
        return Finding(
            Rule.COMMON_GROUND,
            True,
            "It mentions something specific to them, so it reads as written for them.",
            spans,
        )
    return Finding(
        Rule.COMMON_GROUND,
        False,
        "Nothing in it is specific to them: mention their work, their role, or something from your last "
        "conversation.",
    )


def check_small_ask(body: str) -> Finding:
    spans = _spans(SMALL_ASK, body, Part.BODY)
    if spans:
        return Finding(Rule.SMALL_ASK, True, "The ask is small and specific: easy to say yes to.", spans)
    return Finding(
        Rule.SMALL_ASK, False, "Ask for something small and specific: a 15-minute call, or one question."
    )


def check_time_options(body: str) -> Finding:
    spans = _spans(TIMES, body, Part.BODY)
    if spans:
        return Finding(Rule.TIME_OPTIONS, True, "It offers times, so they can answer with one choice.", spans)
    return Finding(Rule.TIME_OPTIONS, False, "Offer a couple of times (say Tuesday 3pm or Thursday morning).")


def check_no_job_ask(subject: str, body: str) -> Finding:
    spans = _spans(JOB_ASK, subject, Part.SUBJECT) + _spans(JOB_ASK, body, Part.BODY)
    if spans:
        return Finding(
            Rule.NO_JOB_ASK,
            False,
            "It asks for a job or a referral: ask for their advice instead; openings come up on their own.",
            spans,
        )
    return Finding(Rule.NO_JOB_ASK, True, "It asks for advice, not for a job or a referral.")


def _shingles(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 5]) for i in range(max(0, len(words) - 4))}


def _words(text: str, recipient_words: Iterable[str]) -> list[str]:
    own = {word.lower() for word in recipient_words}
    return ["_" if word.lower() in own else word.lower() for word in WORD.findall(text)]


def similarity(body: str, other: str, *, names: Iterable[str] = ()) -> float:
    """Jaccard similarity of two bodies' five-word runs, the recipient's own words left out."""
    names = list(names)
    mine, theirs = _shingles(_words(body, names)), _shingles(_words(other, names))
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine | theirs)


def check_not_a_template(body: str, recipient: Recipient, others: Sequence[tuple[str, str]]) -> Finding:
    """``others``: (name of who it went to, body) of the owner's other drafts."""
    names = [*WORD.findall(recipient.name), *WORD.findall(recipient.company or "")]
    for who, other in others:
        other_names = [*names, *WORD.findall(who)]
        if similarity(body, other, names=other_names) >= TEMPLATE_SIMILARITY:
            return Finding(
                Rule.NOT_A_TEMPLATE,
                False,
                f"It is nearly the same text as your draft to {who}: people can tell a mailing. "
                "Rewrite it for this person.",
                (Span(Part.BODY, 0, len(body), body),),
            )
    return Finding(Rule.NOT_A_TEMPLATE, True, "It is not a copy of another draft of yours.")


def check(
    subject: str, body: str, *, recipient: Recipient, others: Sequence[tuple[str, str]] = ()
) -> list[Finding]:
    """Every rule's finding, in the order a reader meets them."""
    return [
        check_subject(subject),
        check_common_ground(body, recipient),
        check_small_ask(body),
        check_time_options(body),
        check_no_job_ask(subject, body),
        check_not_a_template(body, recipient, others),
    ]
