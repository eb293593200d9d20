"""The server-rendered web interface (Jinja2, English and Simplified Chinese).

Pages call the same services as the API, with the same account resolution (the API token kept in an
HttpOnly cookie), so a page can never show or do more than the API would allow its user.
"""
