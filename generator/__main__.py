"""Lets `python -m generator` run the same command line as `timeline`."""

import sys

from .cli import main

sys.exit(main())
