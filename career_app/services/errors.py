"""Errors the services raise; the REST layer and the UI each map them once."""


class ServiceError(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidInput(ServiceError):
    pass


class Unauthorized(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class TooManyRequests(ServiceError):
    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


class PayloadTooLarge(ServiceError):
    pass


class Unprocessable(ServiceError):
    """A value the request sent is refused (422), for a reason its schema cannot state: `field` names it
    as a validation error's `loc` (("query", "cursor"), ("body", "url"), ...) and `kind` is its `type`.
    The REST layer answers it in the one 422 shape, the validation array. A request that cannot be
    served in the current state of things is a Conflict (409), not this."""

    def __init__(self, detail: str, field: tuple[str, ...] = ("body",), kind: str = "value_error"):
        super().__init__(detail)
        self.field, self.kind = field, kind


def invalid_query(name: str, detail: str, kind: str = "value_error") -> Unprocessable:
    """A query parameter's value refused by a service: the 422 names it where it came from, ["query", name]
    (a service cannot tell a query value from a body one; the one helper for every query check keeps it so)."""
    return Unprocessable(detail, ("query", name), kind)


class Unavailable(ServiceError):
    """A service the request needs is down or out of capacity (503)."""
