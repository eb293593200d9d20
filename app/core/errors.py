"""Typed errors. Each carries its HTTP status; one handler renders them as RFC 9457 problem+json.

Domain code raises these and nothing else, so the pure core stays free of FastAPI while the API
still answers with a reason a person can act on (which field, which rule, which source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One broken rule on one input field (``field`` is a dotted path: ``route.1.country``)."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


@dataclass
class BaselTrackError(Exception):
    """Base of every error the service reports on purpose."""

    detail: str
    rule: str | None = None
    source: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://baseltrack.org/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.rule:
            body["rule"] = self.rule
        if self.source:
            body["source"] = self.source
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        body.update(self.extra)
        return body


class InvalidInput(BaselTrackError):
    """Well-formed JSON that breaks a validation rule (bad code, date, quantity...)."""

    status = 422
    slug = "invalid-input"
    title = "Invalid input"

    @classmethod
    def on(
        cls, field_name: str, rule: str, message: str, source: str | None = None
    ) -> InvalidInput:
        return cls(
            message, rule=rule, source=source, errors=[FieldError(field_name, rule, message)]
        )


class RuleViolation(BaselTrackError):
    """A legal rule forbids the request (ban amendment, import prohibition, consent missing...)."""

    status = 422
    slug = "rule-violation"
    title = "Refused by a legal rule"


class NotAuthenticated(BaselTrackError):
    status = 401
    slug = "not-authenticated"
    title = "Not authenticated"


class Forbidden(BaselTrackError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(BaselTrackError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(BaselTrackError):
    """The object changed under the caller (stale version) or the request repeats a unique key."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class InvalidTransition(BaselTrackError):
    """The procedure does not allow this step from the object's current state."""

    status = 409
    slug = "invalid-transition"
    title = "Step not allowed in the current state"


class ServiceUnavailable(BaselTrackError):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"
