from app.core.errors import NotFound


def notification_not_found(notification_id: int) -> NotFound:
    """Same answer whether it does not exist or lies outside the caller's jurisdiction."""
    return NotFound(f"No notification {notification_id} in your jurisdiction.", rule="jurisdiction")
