"""The pure domain core: standard library only (a test checks the imports)."""
