"""Every page of an organisation is hidden from a user of another trust.

This walks the URL configuration, so a new organisation page that forgets its access
check fails here even if nobody wrote a test for it.
"""

from __future__ import annotations

import uuid

from django.urls import URLPattern, URLResolver, get_resolver

from lodestar.core.testing import PersonaTestCase


def _org_patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found += _org_patterns(p.url_patterns, route)
        elif "<uuid:org>" in route or "<uuidstr:org>" in route:
            found.append((route, p.name or route))
    return found


def _fill(route: str, org: uuid.UUID) -> str:
    url = "/" + route.replace("<uuid:org>", str(org)).replace("<uuidstr:org>", str(org))
    # Any other UUID in the path names a record that would not be found either way;
    # what matters is that the organisation check comes first.
    while "<uuid" in url:
        start = url.index("<uuid")
        url = url[:start] + str(uuid.uuid4()) + url[url.index(">", start) + 1 :]
    return url


class EveryOrganisationPageIsGuardedTests(PersonaTestCase):
    def test_there_are_organisation_pages_to_check(self) -> None:
        self.assertGreaterEqual(len(_org_patterns(get_resolver().url_patterns)), 18)

    def test_a_user_from_another_trust_gets_not_found_on_every_page(self) -> None:
        self.client.force_login(self.outsider)
        for route, name in _org_patterns(get_resolver().url_patterns):
            url = _fill(route, self.org.uuid)
            for method in ("get", "post", "patch", "delete"):
                with self.subTest(view=name, method=method):
                    response = getattr(self.client, method)(url)
                    self.assertIn(response.status_code, {404, 405})

    def test_the_public_are_sent_to_sign_in_from_every_page(self) -> None:
        for route, name in _org_patterns(get_resolver().url_patterns):
            url = _fill(route, self.org.uuid)
            with self.subTest(view=name):
                response = self.client.get(url)
                if url.startswith("/api/"):
                    # The API has no sign-in page: it answers "who are you?" in JSON.
                    self.assertIn(response.status_code, {401, 405})
                    continue
                self.assertIn(response.status_code, {302, 405})
                if response.status_code == 302:
                    self.assertIn("/account/sign-in/", response["Location"])
