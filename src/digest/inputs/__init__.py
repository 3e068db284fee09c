"""The reading end: the only code that opens content files, and the listing parsers."""
