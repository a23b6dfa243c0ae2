"""The searchable index: embeddings, the Chroma store, lexical search and hybrid retrieval."""
