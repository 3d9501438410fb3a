from services.habits.adapters.db import metadata
from shared.db.migrations import run_env

run_env(metadata)
