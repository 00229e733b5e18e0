"""One module per scenario; each has run(ctx) -> dict with "figures" (rows of the report table)
and "cpu" (who spent what while it measured). ORDER is the order `make bench` runs them in."""
ORDER = ["connect", "api", "ingest", "push", "redis", "sessions", "ocpp", "ocpp201", "scaleout"]
