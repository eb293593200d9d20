from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.webhooks.domain import EVENTS


class SubscriptionIn(BaseModel):
    url: str = Field(max_length=500, examples=["https://customs.example.org/baseltrack/events"])
    events: list[str] = Field(
        min_length=1,
        max_length=len(EVENTS),
        examples=[["notification.consented", "shipment.flagged"]],
    )

    @field_validator("events")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - EVENTS)
        if unknown:
            raise ValueError(
                f"unknown event(s) {', '.join(unknown)}; known: {', '.join(sorted(EVENTS))}"
            )
        return sorted(set(value))


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="Shown once: verify X-BaselTrack-Signature with it")
