"""The disk readers of the build: listings, notes, pages, stored metadata."""
