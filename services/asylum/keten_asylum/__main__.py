from keten_asylum.entrypoints.cli import app

app()
