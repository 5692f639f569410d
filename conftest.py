"""pytest settings for every run in this checkout: unit tests and notebooks (nbval) alike."""

import os

# A figure that would show a box instead of a character (a Chinese title with a glyph our
# font lacks, or Chinese inside $...$) is an error, not a warning (see gdcourse.fonts).
# Set before nbval starts the notebooks' kernels, which inherit the environment.
os.environ.setdefault("GDCOURSE_STRICT_GLYPHS", "1")
