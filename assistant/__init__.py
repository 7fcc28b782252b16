"""Bothy's core: engine, memory, store and models. Pure Python; never imports Qt."""

__version__ = "0.1.0"
APP_NAME = "Bothy"
