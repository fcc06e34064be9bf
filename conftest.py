"""Settings for the whole test run."""

from hypothesis import settings

# Hypothesis fails an example that takes over 200 ms by default: a timed assertion, which
# a busy CI machine trips at random. Speed is measured by `make bench`, never by tests.
settings.register_profile("lodestar", deadline=None)
settings.load_profile("lodestar")
