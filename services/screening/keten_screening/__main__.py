from keten_screening.entrypoints.cli import app

app()
