"""Small-count suppression of published statistics, shared by the charity yearly report and the
hotline's public summary.

1. Primary: a non-empty cell about fewer than MIN_CELL people or cases (`is_suppressed`) is
   hidden.
2. Secondary: the table's total is shown, so a lone hidden cell could be recovered by
   subtracting the shown cells from it, and two hidden cells of one case each would let either
   work out the other. So while fewer than two cells are hidden or the hidden cells together
   cover fewer than MIN_CELL (after `overlap`, the double counts of a table where one case may
   be in two rows), the smallest shown cell (by its sort key, then table order) is hidden too.
   Whatever can be worked out by subtraction is then about at least MIN_CELL, like any shown
   cell.

Each app keeps its own rule for the totals (a year with fewer than MIN_CELL in all hides
everything) and its own cell type: this module works on plain counts.
"""

from collections.abc import Sequence

# The smallest number of people or cases a published figure may be about.
MIN_CELL = 5


def is_suppressed(count: int) -> bool:
    """Whether a figure about `count` people or cases must be hidden."""
    return count < MIN_CELL


def suppress(
    counts: Sequence[int],
    *,
    empty: Sequence[bool] | None = None,
    sort_keys: Sequence | None = None,
    overlap: int = 0,
) -> tuple[set[int], set[int]]:
    """Primary and secondary suppression of one table, given each cell's count.

    `empty`: cells with nothing to protect (default: count 0), never hidden; `sort_keys`: the
    order in which shown cells are hidden as complements (default: the count), ties broken by
    position. Returns (positions hidden for their own small count, positions hidden as
    complements)."""
    empty = list(empty) if empty is not None else [count == 0 for count in counts]
    small = {i for i, count in enumerate(counts) if not empty[i] and is_suppressed(count)}
    if not small:
        return small, set()
    keys = list(sort_keys) if sort_keys is not None else list(counts)
    shown = sorted(
        (i for i in range(len(counts)) if i not in small and not empty[i]),
        key=lambda i: (keys[i], i),
    )
    hidden, complements = set(small), set()
    while shown and (len(hidden) < 2 or is_suppressed(sum(counts[i] for i in hidden) - overlap)):
        position = shown.pop(0)
        hidden.add(position)
        complements.add(position)
    return small, complements
