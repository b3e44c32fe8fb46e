"""The GraphiQL page, served from files committed with Kaohe (`gateway/static/graphiql/`: GraphiQL,
React and the explorer plugin as published on npm, MANIFEST.tsv and SHA256SUMS), never from a
CDN: an agency's intranet often reaches no internet, and a page that loads code from another
origin runs whatever that origin serves. The page's Content-Security-Policy allows this gateway
alone; each file is referenced with its Subresource Integrity hash and cached for a year, its
URL changing with its content.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.responses import HTMLResponse, Response

FOLDER = Path(__file__).parent / "static" / "graphiql"
PREFIX = "/graphiql/static"

# Where the page may load from and talk to: this origin (and its websocket, for subscriptions),
# plus data: URLs, which GraphiQL's stylesheet uses for its fonts and icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
CACHED_FOR_A_YEAR = "public, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
PLACEHOLDER = re.compile(r"\{(sri:)?([a-z0-9.-]+)\}")


@dataclass(frozen=True)
class Asset:
    """A file the page loads, with its media type and hashes."""

    name: str
    body: bytes
    media_type: str

    @property
    def url(self) -> str:
        """Its URL, which changes with its content (so it can be cached for a year)."""
        return f"{PREFIX}/{self.name}?v={hashlib.sha256(self.body).hexdigest()[:16]}"

    @property
    def integrity(self) -> str:
        """Its Subresource Integrity value: a browser refuses the file if it differs."""
        return "sha384-" + base64.b64encode(hashlib.sha384(self.body).digest()).decode()


def load_assets(folder: Path = FOLDER) -> dict[str, Asset]:
    """The page's scripts and stylesheets, read once at start-up."""
    return {
        path.name: Asset(path.name, path.read_bytes(), MEDIA_TYPES[path.suffix])
        for path in sorted(folder.iterdir())
        if path.suffix in MEDIA_TYPES
    }


def render_page(assets: dict[str, Asset], folder: Path = FOLDER) -> str:
    """index.html with each file's URL and integrity filled in."""

    def fill(match: re.Match[str]) -> str:
        asset = assets[match.group(2)]
        return asset.integrity if match.group(1) else asset.url

    return PLACEHOLDER.sub(fill, (folder / "index.html").read_text(encoding="utf-8"))


class GraphiQLPage:
    """The page and the router that serves its files."""

    def __init__(self, folder: Path = FOLDER) -> None:
        self.assets = load_assets(folder)
        self.html = render_page(self.assets, folder)

    def response(self) -> HTMLResponse:
        """The page, allowed to load from and talk to this gateway alone."""
        return HTMLResponse(
            self.html,
            headers={
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    def router(self) -> APIRouter:
        """GET /graphiql/static/{name}: the page's scripts and stylesheets."""
        router = APIRouter(tags=["ops"])

        @router.get(PREFIX + "/{name}", include_in_schema=False)
        async def asset(name: str) -> Response:
            """A script or stylesheet of the GraphiQL page."""
            found = self.assets.get(name)
            if found is None:
                raise HTTPException(404, f"no such GraphiQL file: {name[:80]}")
            return Response(
                found.body,
                media_type=found.media_type,
                headers={"Cache-Control": CACHED_FOR_A_YEAR, "X-Content-Type-Options": "nosniff"},
            )

        return router
