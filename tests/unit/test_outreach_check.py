"""The warm-message check, rule by rule, over a table of good and bad drafts: each finding says
what it found in plain words and points at the words it is about."""

import pytest

from services.contacts.domain.outreach import Part, Recipient, Rule, check, similarity

ADA = Recipient(
    name="Ada Lovelace",
    company="Analytical Engines",
    role="Staff Engineer",
    tags=("compilers",),
    remembered=("She moved from research to infrastructure teams",),
)
GOOD_SUBJECT = "Question from an aspiring data engineer"
GOOD_BODY = (
    "Hi Ada, I loved your talk on how Analytical Engines runs its compilers. As a bootcamp student "
    "moving into infrastructure, could I ask you one question about your first year there? "
    "Would a 15-minute call on Tuesday at 3pm or Thursday morning work?"
)


def verdicts(subject: str, body: str, others: list[tuple[str, str]] | None = None) -> dict[Rule, bool]:
    return {f.rule: f.passed for f in check(subject, body, recipient=ADA, others=others or [])}


def test_a_warm_message_passes_every_rule() -> None:
    assert verdicts(GOOD_SUBJECT, GOOD_BODY) == dict.fromkeys(Rule, True)


@pytest.mark.parametrize(
    ("subject", "rule"),
    [
        ("Hello", Rule.SUBJECT),  # neither who nor why
        ("Quick question", Rule.SUBJECT),  # why, not who
        ("Bootcamp student here", Rule.SUBJECT),  # who, not why
        ("Job at Analytical Engines?", Rule.NO_JOB_ASK),
    ],
)
def test_a_subject_that_fails(subject: str, rule: Rule) -> None:
    assert verdicts(subject, GOOD_BODY)[rule] is False


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("Hi, I am a student. Could we have a 15-minute call on Tuesday at 3pm?", Rule.COMMON_GROUND),
        ("Hi Ada, I admire Analytical Engines. Can we talk sometime on Tuesday?", Rule.SMALL_ASK),
        (
            "Hi Ada, about Analytical Engines: could I ask you one question? Any time suits me.",
            Rule.TIME_OPTIONS,
        ),
        (
            "Hi Ada, I admire Analytical Engines. Are you hiring? Could you give me a referral? "
            "A 15-minute call on Tuesday?",
            Rule.NO_JOB_ASK,
        ),
    ],
)
def test_a_body_that_fails(body: str, rule: Rule) -> None:
    found = verdicts(GOOD_SUBJECT, body)
    assert found[rule] is False
    assert [r for r, passed in found.items() if not passed] == [rule]


def test_common_ground_can_come_from_what_the_student_remembers_of_them() -> None:
    body = "Hi Ada, you told me about moving from research into infrastructure. A 15-minute call on Monday?"
    [ground] = [f for f in check(GOOD_SUBJECT, body, recipient=ADA) if f.rule is Rule.COMMON_GROUND]
    assert ground.passed
    assert [span.text for span in ground.spans] == ["research", "infrastructure"]


def test_each_finding_points_at_its_words() -> None:
    body = "Hi Ada, is there a job opening at Analytical Engines? A referral would help. Tuesday at 3pm?"
    found = {f.rule: f for f in check("Question from a student", body, recipient=ADA)}
    job = found[Rule.NO_JOB_ASK]
    assert [(s.part, s.text) for s in job.spans] == [
        (Part.BODY, "job"),
        (Part.BODY, "opening"),
        (Part.BODY, "referral"),
    ]
    assert all(body[s.start : s.end] == s.text for s in job.spans)
    assert [s.text for s in found[Rule.TIME_OPTIONS].spans] == ["Tuesday", "3pm"]
    assert [s.text for s in found[Rule.COMMON_GROUND].spans] == ["Analytical Engines"]
    assert found[Rule.SUBJECT].spans[0].part is Part.SUBJECT
    assert "advice" in job.explanation


def test_the_same_text_sent_to_someone_else_reads_as_a_template() -> None:
    to_grace = GOOD_BODY.replace("Ada", "Grace").replace("Analytical Engines", "the Navy")
    assert (
        verdicts(GOOD_SUBJECT, GOOD_BODY, others=[("Grace Hopper", to_grace)])[Rule.NOT_A_TEMPLATE] is False
    )
    rewritten = (
        "Hi Ada, your compilers work at Analytical Engines is why I write: I am switching into "
        "infrastructure after a bootcamp. One question, if you have 15 minutes next week (Monday or Friday)?"
    )
    assert verdicts(GOOD_SUBJECT, rewritten, others=[("Grace Hopper", to_grace)])[Rule.NOT_A_TEMPLATE] is True


def test_similarity_ignores_the_names_that_differ() -> None:
    one = "Dear Ada, I would love to learn how you got started in data engineering at your company."
    two = one.replace("Ada", "Grace")
    assert similarity(one, two, names=["Ada", "Grace"]) == 1.0
    assert similarity(one, "Something else entirely, nothing shared here at all today.") == 0.0
