"""Command implementations beyond the build: scaffold, topics report, export."""
