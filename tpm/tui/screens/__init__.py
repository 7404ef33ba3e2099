"""The screens of the TUI: six views switched by keys 1-6, and modal dialogs."""
