"""The OpenAPI document is the contract, exactly: schemathesis, every check and phase, over the live server
as a seeker, a provider and an admin (each over the operations its kind of caller may use; what the others
answer it is the access matrix's, test_access_matrix.py) and anonymously (public operations and signing
out; every run also calls each operation without its token), finds nothing.

`make test` runs CONTRACT_EXAMPLES (default 2) examples per operation with a fixed seed, so a failure replays;
`make contract` runs 100 with a random seed. With 2 the four runs took 8.8 min at load 10 (about 3 min of CPU):
the coverage phase, whose cases do not depend on the number of examples, is most of it."""

import os

import pytest

from tests.api.contract_server import contract_server, run_schemathesis
from tests.conftest import ARTIFACTS

EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "2"))
SEED = None if os.environ.get("CONTRACT_RANDOM_SEED") else 1


@pytest.fixture(scope="module")
def server(data_dir, service_env):
    with contract_server(data_dir, service_env) as running:
        yield running


@pytest.mark.timeout(600 + 30 * EXAMPLES)
@pytest.mark.parametrize("who", ["anonymous", "seeker", "provider", "admin"])
def test_schemathesis_finds_nothing(server, who):
    url, tokens, _env = server
    ARTIFACTS.mkdir(exist_ok=True)
    code, output = run_schemathesis(url, who, tokens.get(who), EXAMPLES, SEED,
                                    report=ARTIFACTS / f"schemathesis-{who}.xml",
                                    log=ARTIFACTS / f"schemathesis-{who}.txt", timeout=540 + 30 * EXAMPLES)
    assert code == 0, output[-12_000:]
