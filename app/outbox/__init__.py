"""The transactional outbox: messages written with the change that causes them, delivered by the
worker with retries and backoff, parked after too many failures for an admin to replay."""
