"""Pure rules and data: no Qt, no database, no network."""
