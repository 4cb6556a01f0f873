"""What a call on the class store can raise: one base class, and one type per thing a page does about it.

Every exception here is a :class:`ClassroomError`; a page catches that one base and shows its message
(each is a sentence written for the person at the screen, with nothing of the database in it).

========================  ==============================================================================
``StoreUnavailable``      The database cannot be reached (stopped, restarting, network down, locked too
                          long). Nothing is lost: a student keeps working alone and the store writes their
                          last report when it can; the teacher's page says the class store is unreachable.
                          Try again on the next refresh; the store reconnects by itself.
``UnknownClass``          No live class has this code (mistyped, ended, expired).
``NotAuthorized``         The teacher key or the seat token does not match: a student's token is never a
                          teacher's key, and a token opens only its own seat.
``SeatGone``              The seat's class ended or expired, the student left, or the teacher removed them.
``NicknameTaken``         Another student of this class has this nickname (compared without case).
``InvalidNickname``       Empty after cleaning, or too long.
``InvalidReport``         A student's report failed validation (wrong type, size, non-finite number, an
                          unknown field or a teacher's command); the message names the field.
``InvalidCommand``        A teacher's command named a page, lock, setting or range that does not exist.
``RateLimited``           Too many reports, wrong codes or wrong keys from one client: ``retry_after`` s.
``ClassFull``             The class has its most seats (``MAX_SEATS``).
``SchemaTooNew``          The database was migrated by a newer Neuron Lab than this one.
========================  ==============================================================================

``InvalidNickname``, ``InvalidReport`` and ``InvalidCommand`` are also ``ValueError``\\ s.
"""

from __future__ import annotations


class ClassroomError(Exception):
    """Anything the class store refuses or cannot do; ``str(err)`` is a sentence for the user: the one given, else
    the type's own ``said``."""

    said = ""

    def __init__(self, message: str | None = None):
        super().__init__(self.said if message is None else message)


class StoreUnavailable(ClassroomError):
    """The class database cannot be reached right now (the one fault type: catch it and carry on alone)."""

    said = ("The class store is unreachable right now; your work here is not affected, and the class reconnects "
            "by itself.")


class UnknownClass(ClassroomError):
    said = "No class with this code is running (check the code, or the class has ended)."


class NotAuthorized(ClassroomError):
    said = "This link's key does not open this class."


class SeatGone(ClassroomError):
    said = ("This seat is no longer in the class: the class ended, or you left it. Join again with the class code "
            "to take part.")


class NicknameTaken(ClassroomError):
    said = "Someone in this class already has this nickname; pick another."


class InvalidNickname(ClassroomError, ValueError):
    pass


class InvalidReport(ClassroomError, ValueError):
    pass


class InvalidCommand(ClassroomError, ValueError):
    pass


class ClassFull(ClassroomError):
    pass


class SchemaTooNew(ClassroomError):
    pass


class RateLimited(ClassroomError):
    """Too many attempts from one client; ``retry_after`` is how many seconds until the next is allowed."""

    def __init__(self, what: str, retry_after: float):
        self.retry_after = max(float(retry_after), 0.0)
        super().__init__(f"Too many {what}; try again in {max(1, round(self.retry_after))} s.")
