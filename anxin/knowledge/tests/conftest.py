"""The ticket desk, built once per module for the modules that ask for it."""

from anxin.tickets.tests.conftest import _module_desk, shared_desk  # noqa: F401 (fixtures)
