"""Pure text helpers: titles (and, after the restructuring, dates, slugs, LaTeX, links)."""
