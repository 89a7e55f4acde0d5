"""Key rotation for encrypted personal data."""

from __future__ import annotations

from django.db import connection, transaction

from . import crypto
from .fields import encrypted_models_and_fields


def field_keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every stored ciphertext with the newest key, in batches, without decrypting
    into model instances (raw column values are rotated as tokens)."""
    counts: dict[str, int] = {}
    for model, attnames in encrypted_models_and_fields():
        table = model._meta.db_table
        qn = connection.ops.quote_name
        columns = [f.column for f in model._meta.concrete_fields if f.attname in attnames]
        pk_col = model._meta.pk.column if model._meta.pk else "id"
        done, last_pk = 0, None
        while True:
            with transaction.atomic():
                query = model._default_manager.order_by("pk")
                if last_pk is not None:
                    query = query.filter(pk__gt=last_pk)
                pks = list(query.values_list("pk", flat=True)[:batch_size])
                if not pks:
                    break
                placeholders = ",".join(["%s"] * len(pks))
                select = (
                    f"SELECT {qn(pk_col)}, {', '.join(qn(c) for c in columns)} "  # noqa: S608
                    f"FROM {qn(table)} WHERE {qn(pk_col)} IN ({placeholders})"
                )
                with connection.cursor() as cursor:
                    cursor.execute(select, pks)
                    rows = cursor.fetchall()
                    for row in rows:
                        values = [crypto.rotate(str(v)) if v else v for v in row[1:]]
                        sets = ", ".join(f"{qn(c)} = %s" for c in columns)
                        cursor.execute(
                            f"UPDATE {qn(table)} SET {sets} WHERE {qn(pk_col)} = %s",  # noqa: S608
                            [*values, row[0]],
                        )
                done += len(rows)
                last_pk = pks[-1]
        counts[model._meta.label] = done
    return counts
