"""Operations: backing up the portal (its PostgreSQL database and its uploaded and generated files)
and restoring a backup into an empty database, checked against the backup's manifest."""
