"""second factor: a pending secret belongs to the one session that started it

`auth_second_factor.pending_session_id` names the session (browser) that may see and
confirm the pending secret; SET NULL when that session row goes, so the confirmed secret
beside it stays. Pending secrets made before this belong to no session and may be known to
whoever logged in first: the upgrade drops them (a set-up half done starts again).

Revision ID: bea2c122db90
Revises: 5e1a7c0d9b21
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bea2c122db90'
down_revision = '5e1a7c0d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE auth_second_factor SET pending_secret = NULL, pending_at = NULL")
    with op.batch_alter_table('auth_second_factor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_auth_second_factor_pending_session_id_auth_session'),
            'auth_session',
            ['pending_session_id'],
            ['id'],
            ondelete='SET NULL',
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_auth_second_factor_session_has_pending'),
            'pending_session_id IS NULL OR pending_secret IS NOT NULL',
        )


def downgrade():
    with op.batch_alter_table('auth_second_factor', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_auth_second_factor_session_has_pending'), type_='check'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_auth_second_factor_pending_session_id_auth_session'),
            type_='foreignkey',
        )
        batch_op.drop_column('pending_session_id')
