"""The search index built with lunr.py and shipped in shards for lunr.js."""
