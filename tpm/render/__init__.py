"""Renderers: turn the engine's data into text (terminal, Markdown, JSON, Mermaid, ...)."""
