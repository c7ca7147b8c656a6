"""Core logic of the ITA plan tracker: plain Python, never imports streamlit."""

__version__ = "0.1.0"
