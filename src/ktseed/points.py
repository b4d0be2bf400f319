"""De-duplication and ranking of configurations, shared by every source.

Designs, CSV rows, prior-run trials and chain members all need the same
two steps: order the candidates (by score, by position) and keep one per
distinct configuration, remembering which candidate each dropped one
repeated. :func:`distinct` does both; two configurations are the same when
their :func:`point_key` is, which is KerasTuner's own duplicate rule.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Generic
from typing import TypeVar

T = TypeVar("T")

PointKey = tuple[tuple[str, str], ...]


def point_key(values: Mapping[str, Any]) -> PointKey:
    """A hashable key for de-duplication, as KerasTuner hashes values.

    KerasTuner's duplicate check hashes ``str(value)`` per name; this key
    uses the same rule, so two points are duplicates here exactly when
    KerasTuner would call them duplicates.
    """
    return tuple((str(k), str(values[k])) for k in sorted(values, key=str))


@dataclass
class Distinct(Generic[T]):
    """What :func:`distinct` kept and dropped.

    Attributes:
        kept: One item per distinct key, in rank order.
        repeats: ``(dropped, kept)`` pairs: each dropped item with the item
            kept for its key (at the time it was dropped).
        seen: Every key met, earlier ones (``seen=``) included.
    """

    kept: list[T] = field(default_factory=list)
    repeats: list[tuple[T, T | None]] = field(default_factory=list)
    seen: set[Hashable] = field(default_factory=set)


def distinct(
    items: Iterable[T],
    key: Callable[[T], Hashable],
    *,
    rank: Callable[[T], Any] | None = None,
    prefer: Callable[[T, T], bool] | None = None,
    seen: Iterable[Hashable] = (),
) -> Distinct[T]:
    """One item per key: the best-ranked, or the one ``prefer`` picks.

    Args:
        items: The candidates.
        key: What makes two candidates the same (for value dicts,
            :func:`point_key` of the values).
        rank: Sort key; candidates are visited best first (a stable sort,
            so equal ranks keep their order). ``None`` keeps the given
            order.
        prefer: ``prefer(new, current)`` is True when a later candidate
            with the same key should replace the kept one (for example a
            trial trained for more epochs). The result is re-sorted by
            ``rank`` afterwards.
        seen: Keys taken already (by earlier members of a chain): items
            with these keys are dropped, paired with ``None``.

    Returns:
        A :class:`Distinct` with the kept items and the dropped repeats.
    """
    ordered = list(items) if rank is None else sorted(items, key=rank)
    result: Distinct[T] = Distinct(seen=set(seen))
    earlier = set(result.seen)
    chosen: dict[Hashable, T] = {}
    for item in ordered:
        item_key = key(item)
        if item_key in earlier:
            result.repeats.append((item, None))
            continue
        current = chosen.get(item_key)
        if current is None:
            chosen[item_key] = item
            continue
        result.repeats.append((item, current))
        if prefer is not None and prefer(item, current):
            chosen[item_key] = item
    kept = list(chosen.values())
    if prefer is not None and rank is not None:
        kept.sort(key=rank)
    result.kept = kept
    result.seen |= set(chosen)
    return result


__all__ = ["Distinct", "PointKey", "distinct", "point_key"]
