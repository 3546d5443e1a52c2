"""Every event type keten publishes, one module per producing service (see shared/domain/events.md).

Importing this package registers the models; the committed JSON Schemas under
keten_shared/schemas are generated from them (``keten schemas generate``).
"""

from keten_shared.events.catalog import asylum, dublin, reception, return_, screening

__all__ = ["asylum", "dublin", "reception", "return_", "screening"]
