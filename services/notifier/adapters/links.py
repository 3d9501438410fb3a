"""Nudges' links, as addresses on the student's page: a place (``…/#/contacts/<id>/log``) or a
signed action link (``…/#/act/<token>``) that the page hands to the service named in it."""

from datetime import datetime

from services.notifier.domain.nudges import NudgeAction
from shared.links import LIFETIME, ActionLink, sign


class PageLinks:
    def __init__(self, *, page_url: str, key: bytes | None) -> None:
        self._page = page_url.rstrip("/")
        self._key = key

    def address(self, action: NudgeAction, *, owner_id: str, now: datetime) -> str | None:
        if not action.service:
            return f"{self._page}/{action.page}"
        if self._key is None:
            return None
        link = ActionLink(action.service, action.action, owner_id, action.target_id, now + LIFETIME)
        return f"{self._page}/#/act/{sign(link, self._key)}"
