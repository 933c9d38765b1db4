"""history's free text can be forgotten by erasure, nothing else changes

The append-only triggers of the ledger, the access log and the audit log are remade so that
the free-text columns (`append_only.FORGETTABLE`) may be emptied, cut back to a prefix or
set to "verwijderd" — erasure forgets a person's words — while every other column, and
DELETE, stays refused.

Revision ID: 5e1a7c0d9b21
Revises: ef2b20b1dfff
Create Date: 2026-12-08 02:30:00

"""
from alembic import op

from buurthulp import append_only


# revision identifiers, used by Alembic.
revision = '5e1a7c0d9b21'
down_revision = 'ef2b20b1dfff'
branch_labels = None
depends_on = None


def upgrade():
    append_only.forgetting(op)


def downgrade():
    append_only.no_forgetting(op)
