"""Routines and techniques: the YAML a walker writes, validated into frozen models (pure)."""
