"""Pure renderers from site data to ``{path: bytes}``: pages, feeds, search, site files."""
