"""Sampling the schema's duration distributions."""

import numpy as np
import pytest

from simsoft.distributions import lognormal_params, sample
from simsoft.rng import Streams
from simsoft.schema import Fixed, Lognormal, Normal, Uniform

N = 20_000


def rng(name="test"):
    return Streams(7).stream(name)


def test_uniform_moments_team_case_9():
    x = sample(Uniform(distribution="uniform", low=10.0, high=100.0), rng=rng(), n=N)
    assert x.mean() == pytest.approx(55, rel=0.02)
    assert x.std() == pytest.approx(25.98, rel=0.02)
    assert x.min() >= 10 and x.max() <= 100


def test_normal_moments_and_truncation():
    x = sample(Normal(distribution="normal", mean=120.0, sd=30.0), rng=rng(), n=N)
    assert x.mean() == pytest.approx(120, rel=0.02)
    assert x.std() == pytest.approx(30, rel=0.02)
    y = sample(Normal(distribution="normal", mean=5.0, sd=30.0), rng=rng(), n=N)
    assert y.min() == 0.0


def test_lognormal_from_moments():
    x = sample(Lognormal(distribution="lognormal", mean=5.0, sd=2.0), rng=rng(), n=N)
    assert x.mean() == pytest.approx(5, rel=0.02)
    assert x.std() == pytest.approx(2, rel=0.03)
    assert (x > 0).all()


def test_lognormal_from_quantiles_and_shift():
    spec = Lognormal(distribution="lognormal", median=60.0, p99=300.0, shift=10.0)
    x = sample(spec, rng=rng(), n=N)
    assert np.median(x) == pytest.approx(70, rel=0.03)
    assert np.quantile(x, 0.99) == pytest.approx(310, rel=0.08)
    mu, sigma = lognormal_params(spec)
    assert np.exp(mu) == pytest.approx(60.0)
    assert sigma == pytest.approx(np.log(5) / 2.3263, rel=1e-4)


def test_fixed_and_empty():
    assert sample(Fixed(distribution="fixed", value=3.0), rng=rng(), n=2).tolist() == [3.0, 3.0]
    assert len(sample(Uniform(distribution="uniform", low=1.0, high=2.0), rng=rng(), n=0)) == 0
    with pytest.raises(ValueError, match="n must be >= 0"):
        sample(Fixed(distribution="fixed", value=3.0), rng=rng(), n=-1)


def test_same_stream_same_draws():
    spec = Lognormal(distribution="lognormal", median=60.0, p99=300.0)
    a = sample(spec, rng=Streams(3).stream("egress.pre_movement"), n=100)
    b = sample(spec, rng=Streams(3).stream("egress.pre_movement"), n=100)
    assert np.array_equal(a, b)
