"""The networking vocabulary every service and contract shares (plain enums, no dependencies)."""

from enum import StrEnum


class Tie(StrEnum):
    """How close the relationship is: strong (talk often), weak (acquaintance), dormant (gone quiet)."""

    STRONG = "strong"
    WEAK = "weak"
    DORMANT = "dormant"


class Warmth(StrEnum):
    """Warm: someone you already know. Cold: someone you have not met yet."""

    WARM = "warm"
    COLD = "cold"


class Category(StrEnum):
    MENTOR = "mentor"
    ALUMNI = "alumni"
    PEER = "peer"
    EXISTING_NETWORK = "existing_network"
    COMPANY_CONTACT = "company_contact"
    RECRUITER = "recruiter"
    OTHER = "other"


class InteractionKind(StrEnum):
    INFORMATIONAL_INTERVIEW = "informational_interview"
    COFFEE_OR_CALL = "coffee_or_call"
    EVENT = "event"
    MESSAGE = "message"
    SOCIAL_ENGAGEMENT = "social_engagement"
    GIVE_FIRST = "give_first"
    INTRODUCTION_REQUEST = "introduction_request"


class GiveFirstKind(StrEnum):
    ARTICLE = "article"
    CONGRATULATIONS = "congratulations"
    OFFER_OF_HELP = "offer_of_help"
    INTRODUCTION = "introduction"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Outcome(StrEnum):
    NO_REPLY = "no_reply"
    REPLIED = "replied"
    MEETING_BOOKED = "meeting_booked"
    INTRODUCTION_MADE = "introduction_made"
    OPPORTUNITY = "opportunity"

    @property
    def answered(self) -> bool:
        """The contact answered: every outcome but "no reply" shows they did."""
        return self is not Outcome.NO_REPLY


class Origin(StrEnum):
    """Where a contact or interaction came from, when not from the student's own hand."""

    CAMPUS = "campus"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class HabitMeasure(StrEnum):
    """What a habit counts."""

    OUTREACH_MESSAGES = "outreach_messages"
    INFORMATIONAL_INTERVIEWS = "informational_interviews"
    GIVE_FIRST_ACTS = "give_first_acts"
    DORMANT_TIES_REVIVED = "dormant_ties_revived"
    EVENTS_ATTENDED = "events_attended"
    FREE_FORM = "free_form"


class ScheduleKind(StrEnum):
    DAILY = "daily"
    TIMES_PER_WEEK = "times_per_week"
    TIMES_PER_MONTH = "times_per_month"
    EVERY_N_DAYS = "every_n_days"
    WEEKDAYS = "weekdays"


class CheckInSource(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"
