"""Competent authorities per country, their working-day policy and their import prohibitions."""
