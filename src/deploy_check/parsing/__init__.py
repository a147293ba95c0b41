"""Parsers shared by several rules, each cached per project."""
