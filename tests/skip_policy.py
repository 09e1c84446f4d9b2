"""Which reasons a test may skip for, so that a fresh clone is known to test every feature.

Three reasons are allowed, each naming what the test needs:

* an oracle binary (``helm``, ``kubectl``, or the ``tar`` command), which
  ``scripts/fetch-helm.sh`` fetches, or the headless browser (``needs
  chromium``: Debian's package, which ``scripts/test.sh`` installs); under
  ``CI=true`` it must be there, so such a skip fails the run there;
* ``../shared`` beside the repository (the real Edge Orchestrator samples and
  reference documents); every feature those tests cover is covered again by
  the project's own examples and test data, so a skip here loses no feature.

Any other skip is a test that silently stopped testing: tests/conftest.py turns it into a failure.
"""

from __future__ import annotations

import re
from typing import Optional

# reasons worded by the tests that need an oracle binary
TOOL_REASON = re.compile(
    r"helm (oracle )?binary (is )?not (available|fetched|cached)|helm oracle unavailable"
    r"|kubectl oracle not fetched|no tar command|needs chromium",
    re.IGNORECASE)
SHARED_REASON = re.compile(r"\.\./shared")


def skip_policy_violation(reason: str, ci: bool) -> Optional[str]:
    """Why a skip with this reason breaks the policy (None when it is allowed)."""
    if SHARED_REASON.search(reason):
        return None
    if TOOL_REASON.search(reason):
        if ci:
            return (f"skipped under CI=true: {reason!r}; CI must run every oracle and browser test "
                    "(scripts/test.sh fetches the binaries with scripts/fetch-helm.sh and installs chromium)")
        return None
    return (f"skipped for a reason the skip policy does not allow: {reason!r}; a test may skip only for a missing "
            "oracle binary, a missing chromium or a missing ../shared (see tests/skip_policy.py)")
