"""Demo data for trying the portal (demo mode only). This is the one place besides the start
pages that may compose every app; the import-linter contracts leave it out on purpose."""
