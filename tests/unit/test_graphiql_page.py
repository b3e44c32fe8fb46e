"""The GraphiQL page as the gateway renders it: only its own files, each as committed."""

from __future__ import annotations

import hashlib
import re

from gateway.graphiql import CONTENT_SECURITY_POLICY, FOLDER, PREFIX, GraphiQLPage

REFERENCE = re.compile(r'(?:src|href)="([^"]*)"')


def test_the_page_references_only_the_gateways_own_files_each_with_its_integrity() -> None:
    page = GraphiQLPage()

    references = REFERENCE.findall(page.html)

    assert "http://" not in page.html
    assert "https://" not in page.html
    assert "{" not in page.html  # every placeholder was filled
    files = [r for r in references if r.startswith(PREFIX)]
    assert {r.split("/")[-1].split("?")[0] for r in files} == set(page.assets)
    assert set(references) - set(files) == {"data:,"}
    for asset in page.assets.values():
        assert f'src="{asset.url}" integrity="{asset.integrity}"' in page.html or (
            f'href="{asset.url}" integrity="{asset.integrity}"' in page.html
        )


def test_the_committed_graphiql_files_are_the_ones_sha256sums_records() -> None:
    lines = (FOLDER / "SHA256SUMS").read_text().splitlines()
    recorded = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    manifest = [
        line.split("\t")
        for line in (FOLDER / "MANIFEST.tsv").read_text().splitlines()
        if not line.startswith("#")
    ]

    assert {row[0] for row in manifest} == set(recorded)
    for name, digest in recorded.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name
    for row in manifest:
        assert (FOLDER / re.sub(r".*\((.*)\)", r"\1", row[4])).is_file(), row


def test_the_policy_allows_no_other_origin_and_no_inline_script() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))

    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert all("http" not in v and "*" not in v for v in directives.values())
    assert all("unsafe" not in v for v in directives.values())
