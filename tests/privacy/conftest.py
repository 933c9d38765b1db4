"""The marketplace's small town (`street`), for the privacy rights."""

from tests.marketplace.conftest import (  # noqa: F401
    Street,
    api,
    english,
    street,
    street_world_ids,
)
