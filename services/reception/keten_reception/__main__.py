from keten_reception.entrypoints.cli import app

app()
