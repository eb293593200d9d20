"""Legal regimes (Basel, EU, OECD): deadlines and policy as data, and working-day arithmetic."""
