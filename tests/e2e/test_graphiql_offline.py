"""The GraphiQL page as a browser on an intranet with no internet gets it: from the gateway alone,
every file it references served, and queries sent with the token a person pastes."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

import httpx
import pytest

from kernel.roles import Role
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e

CONTENT_TYPES = {"script": "text/javascript", "link": "text/css"}


class References(HTMLParser):
    """Every URL the page's markup references, with the tag and its integrity attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            url = values.get(name)
            if url is not None:
                self.found.append((tag, url, values.get("integrity")))


def page(system: System) -> httpx.Response:
    return httpx.get(system.graphql_url, headers={"Accept": "text/html"}, timeout=30)


def test_the_page_references_no_other_origin_and_forbids_every_other_origin(
    system: System,
) -> None:
    answer = page(system)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    origin = system.graphql_url.removesuffix("/graphql")
    outside = [
        word
        for word in answer.text.replace('"', " ").split()
        if ("http://" in word or "https://" in word) and not word.startswith(origin)
    ]
    assert outside == []
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_every_file_the_page_references_is_served_with_its_type_and_integrity(
    system: System,
) -> None:
    parser = References()
    parser.feed(page(system).text)
    origin = system.graphql_url.removesuffix("/graphql")
    files = [(tag, url, sri) for tag, url, sri in parser.found if not url.startswith("data:")]

    assert len(files) >= 6
    for tag, url, integrity in files:
        served = httpx.get(origin + url, timeout=30)
        assert served.status_code == 200, url
        assert served.headers["content-type"].startswith(CONTENT_TYPES[tag]), url
        assert "immutable" in served.headers["cache-control"]
        digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url
    missing = httpx.get(f"{origin}/graphiql/static/..%2Fgraphiql.py", timeout=30)
    assert missing.status_code == 404


def test_a_query_sent_as_the_page_sends_it_carries_the_pasted_token(system: System) -> None:
    token = system.token([Role.ADMIN])

    refused = httpx.post(system.graphql_url, json={"query": "{ units { id } }"}, timeout=30)
    answered = httpx.post(
        system.graphql_url,
        json={"query": "{ units { id } }"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        timeout=30,
    )

    assert refused.status_code == 401
    assert answered.status_code == 200
    assert "errors" not in answered.json()
