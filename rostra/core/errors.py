"""Errors a verb raises when a request cannot be carried out; views turn them into messages, never 500s."""


class Refused(Exception):
    """The request is understood but not allowed as it stands (reply to a hidden comment, edit too late).

    `field` names the input at fault (or is None), so forms and API problems can point at it.
    `status` is the HTTP status an API answers with.
    """

    status = 409

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
