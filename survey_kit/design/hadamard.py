"""Hadamard matrices for balanced repeated replication, chosen as R ``survey::hadamard`` does.

A Hadamard matrix is stored in 0/1 form (1 for +1, 0 for -1), its first row and column all
ones.  Two constructions are used: *Sylvester doubling* ``[[H, H], [H, 1 - H]]`` of the
order-4 matrix, and *Paley's construction* for a prime ``p`` with ``p = 3 (mod 4)``: the
``p x p`` matrix of ``(i + j) mod p`` marked 0 where that value is zero or a quadratic residue
and 1 elsewhere, bordered by a row and a column of ones (order ``p + 1``), optionally doubled.

:func:`hadamard` picks the order as R does for ``n`` half-sample strata (the smallest
suitable order of these constructions).  R also keeps two tabulated matrices of orders 28 and
36 (from N. J. A. Sloane's library) and uses them, or their doublings, for some ``n`` (up
to 130: 24-27, 32-35, 48-55, 68-71 and 108-111 strata); survey_kit does not carry them and
uses the next order it can construct instead, so for those ``n`` its BRR replicates are a
different (equally balanced) set than R's: totals and their variances agree with R, the
variances of nonlinear statistics (means, ratios) differ slightly.
"""

from __future__ import annotations

import numpy as np

#: R's precomputed orders; survey_kit constructs 4 and 16 (Sylvester) but not 28 and 36.
_TABULATED = (4, 16, 28, 36)
_LARGEST_PRIME = 7919


def _primes_3_mod_4(limit: int) -> np.ndarray:
    sieve = np.ones(limit + 1, dtype=bool)
    sieve[:2] = False
    for k in range(2, int(limit**0.5) + 1):
        if sieve[k]:
            sieve[k * k :: k] = False
    primes = np.flatnonzero(sieve)
    return primes[primes % 4 == 3]


_PRIMES = _primes_3_mod_4(_LARGEST_PRIME)


def double(H: np.ndarray) -> np.ndarray:
    """Sylvester doubling ``[[H, H], [H, 1 - H]]`` of a 0/1 Hadamard matrix."""
    return np.block([[H, H], [H, 1 - H]])


def sylvester(order: int) -> np.ndarray:
    """The Sylvester matrix of a power-of-two ``order`` (>= 1) in 0/1 form.

    Examples
    --------
    >>> sylvester(4).tolist()
    [[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]]
    """
    H = np.ones((1, 1), dtype=np.int64)
    while H.shape[0] < order:
        H = double(H)
    return H


def paley_prime(p: int) -> np.ndarray:
    """Paley's Hadamard matrix of order ``p + 1`` for a prime ``p = 3 (mod 4)``.

    Examples
    --------
    >>> H = 2 * paley_prime(7) - 1
    >>> bool((H @ H.T == 8 * np.eye(8)).all())
    True
    """
    k = np.arange(p)
    residues = np.zeros(p, dtype=bool)
    residues[0] = True
    residues[(k[1 : (p - 1) // 2 + 1] ** 2) % p] = True
    core = np.where(residues[np.add.outer(k, k) % p], 0, 1)
    H = np.ones((p + 1, p + 1), dtype=np.int64)
    H[1:, 1:] = core
    return H


def _paley(n: int, nmax: int) -> np.ndarray | None:
    """R's ``paley(n, nmax)``: a Paley-based matrix of order > n, or None."""
    nceil = nn = n + 4 - n % 4
    if n % 4 + 4 == n % 8:
        while nn % 8 == 0:
            nn //= 2
        if nn - 1 in _PRIMES:
            H = paley_prime(nn - 1)
            while nn < nceil:
                H, nn = double(H), nn * 2
            return H
    if n > _LARGEST_PRIME:
        return None
    p = int(_PRIMES[n <= _PRIMES][0])
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return _paley(nceil + 3, 2 * (nceil + 3))
    return paley_prime(p) if p <= nmax else None


def _constructible(n: int) -> np.ndarray:
    """The smallest matrix of order > n that Sylvester or (doubled) Paley gives."""
    best: np.ndarray | None = None
    for p in [*_PRIMES[2 * n + 8 > _PRIMES].tolist(), 3]:
        order = p + 1
        while order <= n:
            order *= 2
        if best is None or order < best.shape[0]:
            H = paley_prime(p)
            while H.shape[0] < order:
                H = double(H)
            best = H
    sylv = sylvester(4)
    while sylv.shape[0] <= n:
        sylv = double(sylv)
    return sylv if best is None or sylv.shape[0] <= best.shape[0] else best


def hadamard(n: int) -> np.ndarray:
    """A 0/1 Hadamard matrix with more than ``n`` rows, as R's ``hadamard(n)`` picks it.

    Examples
    --------
    >>> hadamard(3).shape, hadamard(8).shape, hadamard(100).shape
    ((4, 4), (12, 12), (104, 104))
    """
    m = n - n % 4
    precooked = [k for k, size in enumerate(_TABULATED) if m < size <= m + 4]
    if precooked:
        size = _TABULATED[precooked[0]]
        return sylvester(size) if size in (4, 16) else _constructible(n)
    sizes = [s * 2 ** max(0, int(np.ceil(np.log2((n + 1) / s)))) for s in _TABULATED]
    best = int(np.argmin([s - n for s in sizes]))
    H = _paley(n, sizes[best]) if sizes[best] - n > 4 else None
    if H is not None:
        return H
    if _TABULATED[best] in (4, 16):
        return sylvester(sizes[best])
    return _constructible(n)
