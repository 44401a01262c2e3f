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
    """Well-formed, but the request cannot be served in the current state (422)."""


class Unavailable(ServiceError):
    """A service the request needs is down or out of capacity (503)."""
