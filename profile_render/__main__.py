"""``python -m profile_render`` runs the CLI."""

import sys

from .cli import main

sys.exit(main())
