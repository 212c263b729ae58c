"""`bench.seed.seeded_from_database` finds the seed's own sample again (for
`bench.pages --existing`, which measures a database seeded earlier)."""

import pytest

from bench.seed import seed, seeded_from_database


@pytest.mark.django_db
def test_a_seeded_database_gives_back_the_sample_the_seed_made():
    seeded = seed(0.0001)
    found = seeded_from_database()
    assert found.sample["sender"].pk == seeded.sample["sender"].pk
    assert found.sample["receiver"].pk == seeded.sample["receiver"].pk
    assert found.sample["child"].pk == seeded.sample["child"].pk
    assert found.counts["decisions"] == seeded.counts["decisions"]
    assert found.counts["agencies"] == seeded.counts["agencies"]


@pytest.mark.django_db
def test_an_empty_database_is_refused_with_the_command_to_run():
    with pytest.raises(SystemExit, match="run bench.seed first"):
        seeded_from_database()
