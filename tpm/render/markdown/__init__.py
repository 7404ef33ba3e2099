"""Markdown for readers: the status report, the risk register and the Mermaid Gantt."""
