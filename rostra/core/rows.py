"""Model rows read and written by plain SQL on paths every posted comment takes, where building a query
through the ORM costs many times running it (a look-up by key: about 0.3 ms built, 0.02 ms run).

The columns, their order and the conversions of their values are the ORM's own, worked out once per
process from the model's fields, so a row read here is the instance `QuerySet.first()` would give
(times aware, booleans and JSON decoded), and a row written here holds what `save()` would write.
"""

from django.db import connection


class Rows:
    """Reads instances of `model` (every concrete field, or those named in `fields`) with a WHERE
    clause written in SQL: `Rows(Site).first("slug = %s", [slug])`."""

    def __init__(self, model, fields: tuple[str, ...] = ()):
        self.model = model
        self.field_names = fields
        self._prepared = None

    def _prepare(self):
        if self._prepared is None:
            meta = self.model._meta
            chosen = ([meta.get_field(name) for name in self.field_names] if self.field_names
                      else list(meta.concrete_fields))
            quote = connection.ops.quote_name
            table = quote(meta.db_table)
            columns = ", ".join(f"{table}.{quote(f.column)}" for f in chosen)
            converters = []
            for index, field in enumerate(chosen):
                column = field.get_col(meta.db_table)
                found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
                if found:
                    converters.append((index, column, found))
            self._prepared = (f"SELECT {columns} FROM {table}", [f.attname for f in chosen],
                              converters)
        return self._prepared

    def _convert(self, row, converters) -> list:
        values = list(row)
        for index, column, found in converters:
            value = values[index]
            for convert in found:
                value = convert(value, column, connection)
            values[index] = value
        return values

    def values(self, where: str, params, *, tail: str = "") -> list[list]:
        """The chosen columns of every row matching `where`, converted as the ORM converts them."""
        select, _, converters = self._prepare()
        with connection.cursor() as cursor:
            cursor.execute(f"{select} WHERE {where}{tail}", params)
            rows = cursor.fetchall()
        return [self._convert(row, converters) for row in rows]

    def first(self, where: str, params, *, order: str = ""):
        """The instance of the first row matching `where` (in `order`, an SQL ORDER BY list), or
        None. The instance is loaded from the database as the ORM loads it (`Model.from_db`)."""
        select, names, converters = self._prepare()
        tail = f" ORDER BY {order} LIMIT 1" if order else " LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(f"{select} WHERE {where}{tail}", params)
            row = cursor.fetchone()
        if row is None:
            return None
        return self.model.from_db(connection.alias, names, self._convert(row, converters))


_insert_sql: dict = {}  # (model, with its id?) -> its INSERT and fields, worked out once per process


def _insert_statement(model, with_id: bool) -> tuple[str, list]:
    found = _insert_sql.get((model, with_id))
    if found is None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if with_id or f is not meta.auto_field]
        quote = connection.ops.quote_name
        found = _insert_sql[(model, with_id)] = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})", fields)
    return found


def _values(instance, fields) -> list:
    """What `save()` writes for `instance`: each field's value prepared by the field (`auto_now`
    times are set)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert(instance) -> None:
    """Store a new `instance` with one INSERT of every concrete field but its automatic id (the values
    prepared by each field, as `save()` prepares them: `auto_now` times are set) and give it the id
    the database chose."""
    meta = type(instance)._meta
    sql, fields = _insert_statement(type(instance), with_id=False)
    values = _values(instance, fields)
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(meta.auto_field.column)}", values)
            new_id = cursor.fetchone()[0]
        else:
            cursor.execute(sql, values)
            new_id = cursor.lastrowid
    setattr(instance, meta.auto_field.attname, new_id)
    _stored(instance)


def insert_all(instances: list) -> None:
    """Store new instances of one model whose ids are set already, with one INSERT run over them
    all (executemany)."""
    if not instances:
        return
    sql, fields = _insert_statement(type(instances[0]), with_id=True)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [_values(instance, fields) for instance in instances])
    for instance in instances:
        _stored(instance)


def _stored(instance) -> None:
    instance._state.adding = False
    instance._state.db = connection.alias


def next_sqlite_id(model) -> int:
    """The id SQLite's AUTOINCREMENT gives the next row of `model`'s table: past its largest id and
    past the sequence it keeps in sqlite_sequence (which stays past deleted rows, and past ids
    reserved ahead). Read inside a write transaction, where neither can move."""
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
    return max(largest, row[0] if row else 0) + 1
