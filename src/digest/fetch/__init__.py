"""The only network code, used by explicit commands only: HTTP policy, arXiv, Hugging Face, npm."""
