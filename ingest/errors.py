"""The one exception ingestion raises for a file it cannot take, worded for the user."""


class IngestError(Exception):
    """A file could not be ingested; the message names the problem and what to do next."""
