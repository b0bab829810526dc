"""Use cases joining domain, storage and I/O. No Qt."""
