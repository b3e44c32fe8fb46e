"""The event catalogue is generated from the domain, and the committed copy is the generated one."""

from __future__ import annotations

from deploy.event_catalogue import DOCS, catalogue, render_json, render_markdown


def test_the_committed_catalogue_is_what_the_domain_generates() -> None:
    types = catalogue()
    assert (DOCS / "catalogue.json").read_text(encoding="utf-8") == render_json(types), (
        "docs/events is stale: run `kaohe events catalogue`"
    )
    assert (DOCS / "README.md").read_text(encoding="utf-8") == render_markdown(types)


def test_every_event_type_is_named_by_service_event_and_schema_version() -> None:
    types = {t.type for t in catalogue()}
    assert "kaohe.goals.Approved.v1" in types
    assert "kaohe.feedback.ComplaintFiled.v1" in types
    assert "kaohe.directory.Registered.v1" in types
    assert all(t.count(".") == 3 and t.startswith("kaohe.") for t in types)
