"""The safe YAML loader for cards: PyYAML's safe loader (its C parser where it can), keeping dates
as the text written, refusing duplicate keys and aliases. This module imports PyYAML; the rest of
tickler imports it only when a card is actually parsed.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .limits import busy

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


_STR_TAG = "tag:yaml.org,2002:str"


class _CardLoader(_BaseLoader):
    """Safe loader that keeps dates as the text written (we parse them ourselves, with the line)
    and refuses duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # The usual case, plain text keys that all differ, needs no constructing twice. (The base
        # is named, not super(): the pure-Python loader below shares this method.)
        texts = [k.value for k, _ in node.value if k.tag == _STR_TAG and isinstance(k, yaml.ScalarNode)]
        if len(texts) == len(node.value) and len(set(texts)) == len(texts):
            return SafeConstructor.construct_mapping(self, node, deep=deep)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
        return SafeConstructor.construct_mapping(self, node, deep=deep)

    check_nodes = True  # load_yaml turns it off for short text without a '*' (no alias there)

    def construct_document(self, node: yaml.Node) -> Any:
        if self.check_nodes:
            _refuse_aliases(node)
        return SafeConstructor.construct_document(self, node)


MAX_NODES = 20_000  # far more values than any card has


def _refuse_aliases(root: yaml.Node) -> None:
    """A card holds plain values: an alias (``*name``) is refused, so that a "billion laughs"
    front matter can never be expanded by whatever later turns the values into text."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "uses a YAML alias (*name); cards hold plain values", node.start_mark
            )
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise yaml.constructor.ConstructorError(None, None, f"holds more than {MAX_NODES:,} values")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


_CardLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_CardLoader.add_constructor("tag:yaml.org,2002:map", _CardLoader.construct_mapping)


class _PlainCardLoader(yaml.SafeLoader):
    """The same rules in PyYAML's pure-Python parser, which stops a deep nesting with a
    RecursionError where libyaml's C parser would run out of stack and crash the process."""

    check_nodes = True
    construct_mapping = _CardLoader.construct_mapping
    construct_document = _CardLoader.construct_document


_PlainCardLoader.yaml_implicit_resolvers = _CardLoader.yaml_implicit_resolvers
_PlainCardLoader.add_constructor("tag:yaml.org,2002:map", _PlainCardLoader.construct_mapping)


def load_yaml(text: str) -> Any:
    # Ordinary front matter goes to the fast C parser; one that could nest deeply (long, or with
    # many brackets or dashes) goes to the pure-Python one, which fails cleanly.
    if busy(text):
        return yaml.load(text, Loader=_PlainCardLoader)  # noqa: S506 - a SafeLoader subclass
    loader = _CardLoader(text)
    # Under 16 KB there is no room for more values than the limit: only an alias needs looking for.
    loader.check_nodes = "*" in text
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
