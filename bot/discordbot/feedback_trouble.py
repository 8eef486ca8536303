"""One warning per feedback outage: a dropped question record or vote is logged once when the
feedback database stops answering, and once when it works again, not once per member."""

from __future__ import annotations

import logging
import threading


class FeedbackTrouble:
    """Whether the feedback database is failing, and the log lines that say so."""

    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._failing = False
        self._lock = threading.Lock()

    def failed(self, what: str) -> None:
        """Call from an `except` block: the first failure warns, with its cause; the rest of
        the outage is logged at debug level."""
        with self._lock:
            first, self._failing = not self._failing, True
        if first:
            self._log.warning(
                "%s; questions and votes are not recorded until the feedback database answers "
                "again (answers still go out)",
                what,
                exc_info=True,
            )
        else:
            self._log.debug("%s", what, exc_info=True)

    def worked(self) -> None:
        """A record or vote went through: an outage, if there was one, is over."""
        with self._lock:
            was_failing, self._failing = self._failing, False
        if was_failing:
            self._log.warning(
                "the feedback database answers again: questions and votes are recorded"
            )
