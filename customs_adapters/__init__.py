"""Exchange with national customs systems: one canonical declaration, one adapter per format."""
