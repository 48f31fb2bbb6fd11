"""Feeds: items proposed from what audits, service desks and surveys export (see `xlreg import`).

`mapping` says how an export is read; `records` turns its rows into typed records; `findings`, `tickets` and
`surveys` turn records into proposals; `merge` matches proposals with the register by Source ref."""
