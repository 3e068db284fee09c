"""Network clients: the one HTTP policy, arXiv and Hugging Face. Nothing else opens a socket."""
