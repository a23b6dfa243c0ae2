"""The evaluation suite: gold questions, deterministic metrics, a llama-index baseline and the `scrutiny eval` report."""
