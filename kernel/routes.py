"""A command as its service publishes it: the service that owns it, the path it is posted to and
the body the service validates. The service's route and the gateway's forwarder read the same
entry (`services/<capability>/commands.py`), so a command's path is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from pydantic import BaseModel


@dataclass(frozen=True)
class CommandRoute:
    """`path` names its parameters as FastAPI does (`/goal-sets/{goal_set_id}/edits`); each is a
    UUID unless listed in `text` (a code the caller chose, such as a goal item's id)."""

    service: str
    path: str
    body: type[BaseModel]
    text: frozenset[str] = field(default_factory=frozenset)

    @property
    def params(self) -> tuple[str, ...]:
        """The path's parameters, in the order they appear."""
        return tuple(re.findall(r"{(\w+)}", self.path))

    def url(self, **params: object) -> str:
        """The path with its parameters filled in, each quoted as one path segment."""
        return self.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})
