"""Shared pytest configuration for the gdcourse tests."""

import os

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is in the `test` extra; plain unit tests still run without it
    settings = None

if settings is not None:
    # No per-example deadline: timing on a shared CI machine must never fail a test.
    settings.register_profile("gdcourse", deadline=None)
    # CI (CI=true): same, plus a fixed seed so a run can be repeated exactly, and no
    # failure just because data generation was slow.
    settings.register_profile(
        "ci",
        deadline=None,
        derandomize=True,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(
        os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "gdcourse")
    )
