from keten_return.entrypoints.cli import app

app()
