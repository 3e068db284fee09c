"""Entry points of the commands that are not the build: enrich (and later topics, add, ...)."""
