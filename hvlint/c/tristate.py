"""Three-valued logic over the arches hvlint distinguishes.

A condition is judged once per arch in ``ARCHES``; each answer is True, False or None
(unknown: it depends on configuration hvlint cannot see). Used for preprocessor ``#if``
conditions and Kconfig dependencies alike.
"""

from __future__ import annotations

from typing import FrozenSet, Optional, Tuple

# "other" stands for every arch that is neither x86 nor arm64.
ARCHES: Tuple[str, ...] = ("x86", "arm64", "other")
ALL_ARCHES = frozenset(ARCHES)

Tri = Optional[bool]


def file_arches(path_class: Optional[str], build_arch: Optional[str] = None) -> FrozenSet[str]:
    """Arches a whole file can be built for: its path class (x86, arm64), else the one arch
    Kconfig builds it for, else every arch."""
    if path_class in ("x86", "arm64"):
        return frozenset({path_class})
    if build_arch is not None:
        return frozenset({build_arch})
    return ALL_ARCHES


def tri_not(a: Tri) -> Tri:
    """Negation; unknown stays unknown."""
    return None if a is None else not a


def tri_and(a: Tri, b: Tri) -> Tri:
    """Conjunction: false wins over unknown."""
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def tri_or(a: Tri, b: Tri) -> Tri:
    """Disjunction: true wins over unknown."""
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False
