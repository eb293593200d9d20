"""Search over flagged shipments and movements: filters, sorting, cursor pages, facets, CSV."""
