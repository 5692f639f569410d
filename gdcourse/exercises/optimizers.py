"""Exercises on optimizers (to be written)."""

from ._checking import Exercise

__all__: list[str] = []

EXERCISES: dict[str, Exercise] = {}
