"""Storage: SQLAlchemy 2 Core tables, engines for SQLite and PostgreSQL, Alembic migrations."""
