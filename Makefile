# The two commands a newcomer types: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
COMPAT_VENV := .venv-compat
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo test compat fuzz bench install clean keras-test

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -e '.[test,mpi,keras]'
	touch $@

install: $(VENV)/.installed

# Runs TensorFlow's variables guide, unmodified, on eagerflow.
demo: $(VENV)/.installed
	$(VENV)/bin/python -m eagerflow run examples/variables_guide.py

# The whole test suite (GPU tests skip with a reason where no GPU is present).
test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

$(COMPAT_VENV)/.installed: pyproject.toml
	test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/pip install $(PIP_FLAGS) tensorflow-cpu==2.21.0 'tensorboard==2.21.*'
	$(COMPAT_VENV)/bin/pip install $(PIP_FLAGS) -e '.[test]'
	touch $@

# Differential tests against TensorFlow 2.21 (a separate virtualenv; TF is never our dependency;
# TensorBoard beside it, which implements TF's tf.summary.histogram/image/audio/text/scalar),
# then the API coverage table; it fails if a covered name stops resolving or an unsupported one
# starts (baseline: `python tools/api_coverage.py --update`).
compat: $(COMPAT_VENV)/.installed
	TF_CPP_MIN_LOG_LEVEL=3 $(COMPAT_VENV)/bin/python -m pytest -m tensorflow tests
	TF_CPP_MIN_LOG_LEVEL=3 $(COMPAT_VENV)/bin/python tools/api_coverage.py

# The property-based (hypothesis) tests with fresh random examples, eagerflow's own and the
# differential ones against TF 2.21 (CI runs them on a fixed, derandomized set; run this by hand).
fuzz: $(VENV)/.installed $(COMPAT_VENV)/.installed
	EAGERFLOW_HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/python -m pytest -q -m "not tensorflow" $$(grep -rl "@given" tests)
	EAGERFLOW_HYPOTHESIS_PROFILE=fuzz TF_CPP_MIN_LOG_LEVEL=3 $(COMPAT_VENV)/bin/python -m pytest -q -m tensorflow $$(grep -rl "@given" tests)

# Keras 3's own test suite (shipped in the keras wheel) on eagerflow, next to TF 2.21, per
# directory (long: hours for every directory; `make test` runs a fast subset of it).
keras-test: $(VENV)/.installed $(COMPAT_VENV)/.installed
	$(VENV)/bin/python tools/keras_tests.py --all --tf

bench: $(VENV)/.installed
	$(VENV)/bin/python bench/bench_core.py

clean:
	rm -rf $(VENV) $(COMPAT_VENV) build src/*.egg-info
