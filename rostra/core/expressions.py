"""Query expressions Rostra's indexes need."""

from django.db.models import BooleanField, Func


class Filled(Func):
    """`filter(Filled("column"))`: the column is not empty, written `NOT (column = '')` with the empty
    string as a literal. SQLite uses a partial index declared with the condition `~Q(column="")` only
    for a query that states that same condition word for word, never through a bound parameter, so
    every lookup meant for such an index carries this term."""

    template = "NOT (%(expressions)s = '')"
    output_field = BooleanField()
    conditional = True
