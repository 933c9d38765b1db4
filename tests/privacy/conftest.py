"""The marketplace's small town (`street`), for the privacy rights."""

from tests.marketplace.conftest import Street, api, english, street  # noqa: F401
