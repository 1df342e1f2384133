"""How the portal writes money and numbers for people: ``1 234 567 kr``."""

from decimal import Decimal


def group_thousands(value: int | Decimal) -> str:
    """Swedish digit grouping with a space: 1234567 -> '1 234 567'."""
    sign = "-" if value < 0 else ""
    digits = f"{abs(int(value)):,}".replace(",", " ")
    return f"{sign}{digits}"


def format_kronor(value: int | Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return f"{group_thousands(value)} kr"
