"""Text helpers shared by every stage: dates, slugs, LaTeX, links, BibTeX, Markdown, YAML."""
