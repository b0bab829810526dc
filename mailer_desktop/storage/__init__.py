"""SQLite storage: one file per data folder, numbered migrations, repositories. No Qt."""

from .db import CorruptDatabaseError, Database, DatabaseError, ForeignDatabaseError, NewerDatabaseError

__all__ = ["Database", "DatabaseError", "ForeignDatabaseError", "CorruptDatabaseError", "NewerDatabaseError"]
