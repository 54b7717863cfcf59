"""The API's JSON parser, with a limit on how deeply a body may nest (ASVS 2.4.1, 15.2.x).

Python's decoder recurses once per level: a body of a thousand ``[`` exhausts the
interpreter's recursion limit and DRF, which only turns ``ValueError`` into a 400, answered
500. Shallower bodies that the decoder survives could still exhaust it later, in the
serializers or in flattening their errors. No request of this API nests more than a few
levels (a signal's subjects' phones: three), so anything past ``MAX_DEPTH`` is refused as
unparseable input before any view sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class NestedTooDeepError(ParseError):
    default_code = "too_deep"


def nesting_depth(value: Any) -> int:
    """Levels of arrays and objects in a decoded JSON value (a scalar is 0), without
    recursion, so that measuring cannot fail the way decoding did."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``max_depth`` with a 400."""

    max_depth = MAX_DEPTH

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The decoder's own guard (the C stack is safe); the traceback would be as deep.
            raise NestedTooDeepError() from None
        if nesting_depth(data) > self.max_depth:
            raise NestedTooDeepError()
        return data
