"""Every risk endpoint (method, path template), for test_auth's schema check.

Each endpoint listed here must also be walked by this app's own access tests (outsider
404, a role without the capability 403, an allowed role 2xx).
"""

from __future__ import annotations

ENDPOINTS: set[tuple[str, str]] = set()
