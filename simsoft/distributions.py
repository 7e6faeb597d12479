"""Sampling the duration distributions of the scenario schema (seconds, never negative).

The shapes are described in :mod:`simsoft.schema.distributions`; this module draws from them with
a caller-supplied ``numpy.random.Generator`` (one named stream per decision point, see
:mod:`simsoft.rng`), so the same seed always gives the same draws.

>>> import numpy as np
>>> from simsoft.schema import Fixed
>>> sample(Fixed(distribution="fixed", value=30.0), rng=np.random.default_rng(1), n=3)
array([30., 30., 30.])
"""

from __future__ import annotations

import math

import numpy as np

from simsoft.schema.distributions import Distribution, Fixed, Lognormal, Normal, Uniform

__all__ = ["sample", "lognormal_params", "Z_99"]

Z_99 = 2.3263478740408408
"""Standard-normal quantile of 0.99: ``ln(p99 / median) = sigma * Z_99`` for a lognormal."""


def lognormal_params(spec: Lognormal) -> tuple[float, float]:
    """The ``(mu, sigma)`` of the underlying normal of a :class:`Lognormal` spec (before ``shift``).

    From quantiles: ``mu = ln(median)``, ``sigma = ln(p99 / median) / z_0.99`` (z_0.99 = 2.3263).
    From moments (arithmetic mean m, sd s): ``sigma^2 = ln(1 + s^2 / m^2)``,
    ``mu = ln(m) - sigma^2 / 2`` (standard lognormal moment relations, e.g. Johnson, Kotz &
    Balakrishnan, *Continuous Univariate Distributions* vol. 1, ch. 14).

    >>> from simsoft.schema import Lognormal
    >>> mu, sigma = lognormal_params(Lognormal(distribution="lognormal", median=60.0, p99=300.0))
    >>> round(math.exp(mu), 6), round(sigma, 4)
    (60.0, 0.6918)
    """
    if spec.median is not None and spec.p99 is not None:
        return math.log(spec.median), math.log(spec.p99 / spec.median) / Z_99
    assert spec.mean is not None and spec.sd is not None  # guaranteed by the schema validator
    sigma2 = math.log1p((spec.sd / spec.mean) ** 2)
    return math.log(spec.mean) - sigma2 / 2.0, math.sqrt(sigma2)


def sample(spec: Distribution, *, rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw ``n`` durations in seconds from ``spec`` with ``rng``.

    * lognormal: default shape of pre-movement (Forssberg et al., Fire Technology 55(6):2491-2513,
      2019, doi:10.1007/s10694-019-00881-1), plus its ``shift``;
    * uniform between ``low`` and ``high`` (IMO MSC.1/Circ.1533 Annex 3 test 5 uses 10-100 s);
    * normal, truncated at 0 (negative draws become 0 s: nobody reacts before the cue);
    * fixed: the same value for everyone.

    Exactly ``n`` values are returned, as float64; none is negative.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if isinstance(spec, Fixed):
        return np.full(n, float(spec.value))
    if isinstance(spec, Uniform):
        return rng.uniform(spec.low, spec.high, size=n)
    if isinstance(spec, Normal):
        return np.maximum(rng.normal(spec.mean, spec.sd, size=n), 0.0)
    if isinstance(spec, Lognormal):
        mu, sigma = lognormal_params(spec)
        return rng.lognormal(mu, sigma, size=n) + float(spec.shift)
    raise TypeError(f"unknown distribution {spec!r}")
