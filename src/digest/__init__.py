"""digest: a static site generator for research-paper digests."""

__version__ = "0.1.0"
# The name on PyPI ("digest" there is an unrelated package); the command stays `digest`.
DISTRIBUTION = "digest-ssg"
