"""The preview server: in-memory site, HTTP, file watching, live reload."""
