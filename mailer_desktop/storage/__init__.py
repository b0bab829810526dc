"""SQLite storage: one file per data folder, numbered migrations, repositories. No Qt."""

from .db import (
    BusyDatabaseError,
    CorruptDatabaseError,
    Database,
    DatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
)

__all__ = ["BusyDatabaseError", "Database", "DatabaseError", "ForeignDatabaseError", "CorruptDatabaseError",
           "NewerDatabaseError"]
