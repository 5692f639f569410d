"""Exercises on minibatch (to be written)."""

from ._checking import Exercise

__all__: list[str] = []

EXERCISES: dict[str, Exercise] = {}
