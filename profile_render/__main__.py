"""``python -m profile_render`` runs the CLI."""

import sys

from profile_render.cli import main

sys.exit(main())
