from keten_dublin.entrypoints.cli import app

app()
