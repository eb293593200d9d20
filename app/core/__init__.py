"""Infrastructure shared by every domain package: settings, database, errors, auth plumbing."""
