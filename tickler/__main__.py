from tickler.cli import run

run()
