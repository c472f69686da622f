"""`python -m bench`: the whole benchmark (quality, speed and scale) in one run; see bench/suite.py."""

import sys

from .suite import main

sys.exit(main())
