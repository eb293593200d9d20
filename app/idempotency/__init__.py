"""``Idempotency-Key`` support for creation endpoints: a retried request returns the first answer."""
