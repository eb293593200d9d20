"""``Idempotency-Key`` for creation endpoints: a retried request gets the first answer."""
