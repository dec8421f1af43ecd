"""`tf.random` and `tf.random.experimental`: re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.ops.candidate_sampling_ops import (  # noqa: F401
    all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler, uniform_candidate_sampler,
)
from eagerflow._src.ops.random.random_ops import (  # noqa: F401
    categorical, gamma, normal, poisson, set_seed, shuffle, truncated_normal, uniform,
)
from eagerflow._src.ops.random.rng_state import create_rng_state  # noqa: F401
from eagerflow._src.ops.random.stateless_random_ops import (  # noqa: F401
    stateless_categorical, stateless_fold_in as fold_in, stateless_random_gamma as stateless_gamma, stateless_random_binomial as stateless_binomial,
    stateless_random_normal as stateless_normal, stateless_random_uniform as stateless_uniform,
    stateless_split as split, stateless_truncated_normal,
)
from eagerflow._src.random_generator import (  # noqa: F401
    Algorithm, Generator, get_global_generator, set_global_generator,
)

experimental = _Namespace(
    Algorithm=Algorithm, Generator=Generator, create_rng_state=create_rng_state,
    get_global_generator=get_global_generator, set_global_generator=set_global_generator,
    stateless_fold_in=fold_in, stateless_split=split,
)
