"""Bothy's conversation store: chat history, search and export in one SQLite database.

    from assistant.store import Store

    with Store() as store:              # opens, creates and migrates paths.db_path()
        store.recover_interrupted()
        conversation = store.create_conversation()
        user, reply = store.begin_turn(conversation["id"], "Hello")
        store.update_reply(reply["id"], "Hi th")
        store.finish_reply(reply["id"], "Hi there!", status="complete", stats={"reply_tokens": 3})

See store.py for the record shapes and the error policy, search.py for how search works,
export.py for the JSON export formats, lease.py for how recovery tells a live reply from one whose
writer is gone, and migrations.py for the schema.
"""

from assistant.errors import StoreError
from assistant.store.errors import DamagedDatabaseError, NotFoundError
from assistant.store.export import BUNDLE_FORMAT, BUNDLE_VERSION
from assistant.store.export import FORMAT as EXPORT_FORMAT
from assistant.store.export import VERSION as EXPORT_VERSION
from assistant.store.records import FINISH_REASONS, ROLES, STATUSES
from assistant.store.recovery import open_store
from assistant.store.store import Store

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "FINISH_REASONS",
    "ROLES",
    "STATUSES",
    "DamagedDatabaseError",
    "NotFoundError",
    "Store",
    "open_store",
    "StoreError",
]
