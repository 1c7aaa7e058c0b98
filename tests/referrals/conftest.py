from verwijzing.store.testing import database_url, db, db_engine  # noqa: F401 - fixtures
