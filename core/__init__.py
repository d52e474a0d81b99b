"""The bottom of the house: what every app shares (errors, parsing, pagination, rendering,
compiled statements, the PostgreSQL backend, admin bases, public ids and times). It imports no
app of the project."""
