"""URL converters: ids are whole numbers a database column can hold (anything else is a 404)."""

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("too large to be an id")  # Django answers 404
        return number

    def to_url(self, value) -> str:
        return str(value)
