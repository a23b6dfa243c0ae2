"""The question-answering engine, its command line and its web app."""
