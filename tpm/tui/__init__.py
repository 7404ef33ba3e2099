"""The Textual TUI. The only package allowed to import textual or rich."""
