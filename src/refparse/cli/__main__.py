"""``python -m refparse.cli``: the same as the ``refparse`` command."""

import sys

from . import main

sys.exit(main())
