"""The auditors' read side: trails over the raw service logs, dossiers, the access log, replay."""
