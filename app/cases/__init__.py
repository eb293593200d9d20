"""Inspectors' cases: every flag is a case to triage, investigate, and close with an outcome."""
