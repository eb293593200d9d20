"""Webhook subscriptions: every party may ask to be told of the events that concern it."""
