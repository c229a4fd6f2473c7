"""Adapters: the domain core's abstractions implemented over outside libraries and services."""
